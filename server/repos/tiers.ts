// Tiers over Prisma. API keys are encrypted at rest with the injected cipher and only decrypted
// into TierConfig (memory) for the connector; views say only whether a key is set.
import { DomainError } from '../lib/errors';
import type { PrismaClient } from '../db/client';
import type { TierConfig } from '../tiers/types';
import type { TierInput, TierStore, TierView } from '../contracts/stores';
import { auditData } from './audit';
import { capabilitiesOf } from '../tiers/capabilities';
import { requestFieldsOf } from '../tiers/request-fields';
import { SIMULATED_CAPABILITIES } from '../tiers/simulator-model';

export interface SecretCipher {
  encrypt(plain: string): string;
  decrypt(stored: string): string;
}

type Row = {
  id: string; name: string; role: string; kind: string; baseUrl: string; model: string; apiKeyEnc: string | null;
  inputPricePerM: number; outputPricePerM: number; maxConcurrency: number; timeoutMs: number; enabled: boolean; capabilities: unknown; requestFields: unknown; createdAt: Date; updatedAt: Date;
};

/** Stored capabilities over the defaults; the simulated tiers take images and audio (they describe them). */
function capabilities(r: Pick<Row, 'kind' | 'capabilities'>) {
  return capabilitiesOf(r.capabilities ?? (r.kind === 'simulated' ? SIMULATED_CAPABILITIES : null));
}

function view(r: Row): TierView {
  const { apiKeyEnc, ...rest } = r;
  return { ...rest, role: r.role as TierView['role'], kind: r.kind as TierView['kind'], hasApiKey: apiKeyEnc !== null, capabilities: capabilities(r), requestFields: requestFieldsOf(r.requestFields) };
}

export function toConfig(r: Row, cipher: SecretCipher): TierConfig {
  const { apiKeyEnc, createdAt: _c, updatedAt: _u, ...rest } = r;
  return { ...rest, role: r.role as TierConfig['role'], kind: r.kind as TierConfig['kind'], apiKey: apiKeyEnc ? cipher.decrypt(apiKeyEnc) : null, capabilities: capabilities(r), requestFields: requestFieldsOf(r.requestFields) };
}

const notFound = (id: string) => new DomainError('not_found', `tier ${id} not found`);

export function tierStore(prisma: PrismaClient, cipher: SecretCipher): TierStore & { configs(): Promise<TierConfig[]> } {
  const keyField = (apiKey: string | null | undefined) => (apiKey === undefined ? {} : { apiKeyEnc: apiKey ? cipher.encrypt(apiKey) : null });
  async function assertNameFree(name: string, exceptId?: string) {
    const other = await prisma.tier.findUnique({ where: { name } });
    if (other && other.id !== exceptId) throw new DomainError('conflict', `a tier named "${name}" already exists`);
  }
  return {
    async list() {
      return (await prisma.tier.findMany({ orderBy: [{ enabled: 'desc' }, { inputPricePerM: 'asc' }, { name: 'asc' }] })).map(view);
    },
    async configs() {
      return (await prisma.tier.findMany({ orderBy: { name: 'asc' } })).map((r) => {
        try {
          return toConfig(r, cipher);
        } catch {
          // Encrypted under another CASCADE_SECRET_KEY: keep serving the other tiers; this one stays
          // out of routing until an admin enters its key again.
          console.error(`cascade: tier "${r.name}": stored API key cannot be decrypted with the current CASCADE_SECRET_KEY; tier disabled until its key is set again`);
          return { ...toConfig({ ...r, apiKeyEnc: null }, cipher), enabled: false };
        }
      });
    },
    async config(id) {
      const r = await prisma.tier.findUnique({ where: { id } });
      return r ? toConfig(r, cipher) : null;
    },
    async create(input: TierInput, actor) {
      await assertNameFree(input.name);
      const { apiKey, ...fields } = input;
      const [r] = await prisma.$transaction([
        prisma.tier.create({ data: { ...fields, ...keyField(apiKey) } }),
        prisma.auditEvent.create({ data: auditData(actor, 'tier.create', input.name, { role: input.role, baseUrl: input.baseUrl, model: input.model }) }),
      ]);
      return view(r);
    },
    async update(id, patch, actor) {
      const existing = await prisma.tier.findUnique({ where: { id } });
      if (!existing) throw notFound(id);
      if (patch.name && patch.name !== existing.name) await assertNameFree(patch.name, id);
      const { apiKey, ...fields } = patch;
      const changed = Object.keys(patch).filter((k) => k !== 'apiKey' || apiKey !== undefined);
      const [r] = await prisma.$transaction([
        prisma.tier.update({ where: { id }, data: { ...fields, ...keyField(apiKey) } }),
        prisma.auditEvent.create({ data: auditData(actor, 'tier.update', existing.name, { changed }) }),
      ]);
      return view(r);
    },
    async disable(id, actor) {
      const existing = await prisma.tier.findUnique({ where: { id } });
      if (!existing) throw notFound(id);
      const [r] = await prisma.$transaction([
        prisma.tier.update({ where: { id }, data: { enabled: false } }),
        prisma.auditEvent.create({ data: auditData(actor, 'tier.disable', existing.name) }),
      ]);
      return view(r);
    },
  };
}
