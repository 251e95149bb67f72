// `npm run cascade -- create-api-key --name NAME [--tenant T] [--role user|analyst|admin]`
// Prints a new API key once (only its hash is stored). Works with DATABASE_URL, with the embedded
// database of a running server (through its socket), or by opening the embedded database itself.
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { connectDatabase } from '../../server/db/client';
import { env } from '../../server/env';
import { cliDatabaseUrl } from '../../server/runtime/process-file';
import { ROLES } from '../../server/contracts/principal';
import { apiKeyStore } from '../../server/repos/users';

export const description = 'create an API key for the OpenAI-compatible API and print it once';

const optionsSchema = z.object({
  name: z.string().trim().min(1, '--name is required').max(100),
  tenant: z.string().trim().min(1).max(100).regex(/^[\w.-]+$/, '--tenant may use letters, digits, . _ -'),
  role: z.enum(ROLES, { error: `--role must be one of ${ROLES.join(', ')}` }),
});

export async function run(argv: string[]): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { name: { type: 'string' }, tenant: { type: 'string', default: 'default' }, role: { type: 'string', default: 'user' }, help: { type: 'boolean' } },
      strict: true,
    }));
  } catch (err) {
    process.stderr.write(`create-api-key: ${(err as Error).message}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write('usage: npm run cascade -- create-api-key --name NAME [--tenant T] [--role user|analyst|admin]\n');
    return 0;
  }
  const parsed = optionsSchema.safeParse(values);
  if (!parsed.success) {
    process.stderr.write(`create-api-key: ${parsed.error.issues.map((i) => i.message).join('; ')}\n`);
    return 2;
  }
  const db = await connectDatabase({ url: cliDatabaseUrl(undefined, env()) });
  try {
    const { key, apiKey } = await apiKeyStore(db.prisma).create(parsed.data, { id: null, label: 'cli' });
    process.stderr.write(`created API key "${apiKey.name}" (id ${apiKey.id}, tenant ${apiKey.tenant}, role ${apiKey.role}); it is shown only now:\n`);
    process.stdout.write(`${key}\n`);
    return 0;
  } finally {
    await db.close();
  }
}
