// `npm run cascade -- reset-admin [--email E]`: the locked-out case. Makes E (default:
// CASCADE_ADMIN_EMAIL) an enabled admin with a temporary password, printed once, that must be
// changed at the next sign-in. Works like create-api-key: DATABASE_URL, the running server's
// embedded database, or the embedded database opened directly.
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { connectDatabase } from '../../server/db/client';
import { env } from '../../server/env';
import { cliDatabaseUrl } from '../../server/runtime/process-file';
import { recoverAdmin } from '../../server/repos/recover-admin';

export const description = 'locked out? make an account an enabled admin with a temporary password [--email E]';

const USAGE = 'usage: npm run cascade -- reset-admin [--email admin@example.com]\n';

export async function run(argv: string[]): Promise<number> {
  let values: { email?: string; help?: boolean };
  try {
    ({ values } = parseArgs({ args: argv, options: { email: { type: 'string' }, help: { type: 'boolean' } }, strict: true }));
  } catch (err) {
    process.stderr.write(`reset-admin: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const email = z.string().trim().toLowerCase().email().safeParse(values.email ?? env().CASCADE_ADMIN_EMAIL);
  if (!email.success) {
    process.stderr.write(`reset-admin: --email must be an email address\n${USAGE}`);
    return 2;
  }
  const db = await connectDatabase({ url: cliDatabaseUrl(undefined, env()) });
  try {
    const r = await recoverAdmin(db.prisma, email.data);
    process.stderr.write(`${r.created ? 'created' : 'reset'} admin ${r.email}; its open sessions have ended. Temporary password (shown only now, to be changed at sign-in):\n`);
    process.stdout.write(`${r.temporaryPassword}\n`);
    return 0;
  } finally {
    await db.close();
  }
}
