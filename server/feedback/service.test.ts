import { afterAll, describe, expect, it } from 'vitest';
import { createPrisma } from '../db/client';
import { successRates, versionSuccess } from './rollup';
import { feedbackService } from './service';
import { insertApiKey, insertDecision, uniq } from '../../test/fixtures/feedback';

const prisma = createPrisma(process.env.TEST_DATABASE_URL!, { poolSize: 4 });
const feedback = feedbackService(prisma);
afterAll(() => prisma.$disconnect());

const rater = (tenant = 'default') => ({ id: uniq('user'), tenant });
const rollupOf = (tier: string) => prisma.feedbackRollup.findMany({ where: { tier } });
const rowsOf = (decisionId: string) => prisma.feedback.findMany({ where: { decisionId }, orderBy: { createdAt: 'asc' } });

describe('feedbackService.rate', () => {
  it('stores a rating and counts it in the rollup; a later rating replaces it', async () => {
    const tier = uniq('tier');
    const id = await insertDecision(prisma, { tier, band: 'complex', policyVersion: 7 });
    const u = rater();
    const first = await feedback.rate(u, { decisionId: id, rating: 'up' });
    expect(first).toMatchObject({ decisionId: id, rating: 1, replaced: false });
    expect(await rollupOf(tier)).toMatchObject([{ band: 'complex', policyVersion: 7, cacheStatus: 'miss', ratings: 1, up: 1 }]);

    const second = await feedback.rate(u, { decisionId: id, rating: 'down', reason: 'incomplete', comment: 'stopped early' });
    expect(second.replaced).toBe(true);
    const rows = await rowsOf(id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ rating: -1, reason: 'incomplete', comment: 'stopped early', kind: 'explicit' });
    expect(await rollupOf(tier)).toMatchObject([{ ratings: 1, up: 0 }]);

    await feedback.rate(rater(), { decisionId: id, rating: 1 });
    expect(await rollupOf(tier)).toMatchObject([{ ratings: 2, up: 1 }]);
  });

  it('rejects an unknown decision, another tenant and malformed input, writing nothing', async () => {
    const tier = uniq('tier');
    const key = await insertApiKey(prisma, uniq('acme'));
    const id = await insertDecision(prisma, { tier, apiKeyId: key });
    await expect(feedback.rate(rater(), { decisionId: '0190a000-0000-7000-8000-000000000000', rating: 'up' })).rejects.toMatchObject({ code: 'not_found' });
    await expect(feedback.rate(rater('default'), { decisionId: id, rating: 'up' })).rejects.toMatchObject({ code: 'not_found' });
    for (const bad of [
      { decisionId: 'not-a-uuid', rating: 'up' },
      { decisionId: id, rating: 'sideways' },
      { decisionId: id, rating: 'down', reason: 'boring' },
      { decisionId: id, rating: 'up', comment: 'x'.repeat(2001) },
      { decisionId: id, rating: 'up', extra: true },
      null,
      'up',
    ]) {
      await expect(feedback.rate(rater(), bad)).rejects.toMatchObject({ code: 'bad_request' });
    }
    await expect(feedback.rate({ id: '', tenant: 'default' }, { decisionId: id, rating: 'up' })).rejects.toMatchObject({ code: 'bad_request' });
    expect(await rowsOf(id)).toHaveLength(0);
    expect(await rollupOf(tier)).toHaveLength(0);
  });

  it('names the offending field in a bad request', async () => {
    const err = await feedback.rate(rater(), { decisionId: 'x', rating: 'up', reason: 'nope' }).catch((e: unknown) => e);
    expect(String((err as Error).message)).toMatch(/decisionId/);
    expect(String((err as Error).message)).toMatch(/reason/);
  });

  it('accepts a rating from the decision tenant', async () => {
    const tenant = uniq('acme');
    const id = await insertDecision(prisma, { apiKeyId: await insertApiKey(prisma, tenant) });
    await expect(feedback.rate(rater(tenant), { decisionId: id, rating: 'up' })).resolves.toMatchObject({ rating: 1 });
  });

  it('counts one rating when the same rater submits many at once', async () => {
    const tier = uniq('tier');
    const id = await insertDecision(prisma, { tier });
    const u = rater();
    await Promise.all(Array.from({ length: 8 }, (_, i) => feedback.rate(u, { decisionId: id, rating: i % 2 ? 'up' : 'down' })));
    expect(await rowsOf(id)).toHaveLength(1);
    const [r] = await rollupOf(tier);
    expect(r.ratings).toBe(1);
    const stored = (await rowsOf(id))[0].rating;
    expect(r.up).toBe(stored === 1 ? 1 : 0);
  });

  it('records a thumbs-down on a cache hit as an implicit signal too', async () => {
    const tier = uniq('tier');
    const id = await insertDecision(prisma, { tier, cacheStatus: 'semantic' });
    await feedback.rate(rater(), { decisionId: id, rating: 'down', reason: 'wrong' });
    const rows = await rowsOf(id);
    expect(rows.map((r) => `${r.kind}:${r.signal}`).sort()).toEqual(['explicit:', 'implicit:cache_thumbs_down']);
    expect(await rollupOf(tier)).toMatchObject([{ cacheStatus: 'semantic', ratings: 1, up: 0 }]);
  });
});

describe('feedbackService.signal', () => {
  it('records implicit signals once each, outside the success rollup', async () => {
    const tier = uniq('tier');
    const id = await insertDecision(prisma, { tier });
    const system = { id: 'system', tenant: 'default' };
    await feedback.signal(system, { decisionId: id, signal: 'escalation', detail: 'small timed out' });
    await feedback.signal(system, { decisionId: id, signal: 'escalation' });
    await feedback.signal(system, { decisionId: id, signal: 'regenerate' });
    expect((await rowsOf(id)).map((r) => r.signal).sort()).toEqual(['escalation', 'regenerate']);
    expect(await rollupOf(tier)).toHaveLength(0);
    await expect(feedback.signal(system, { decisionId: id, signal: 'sneeze' })).rejects.toMatchObject({ code: 'bad_request' });
  });
});

describe('success rollups', () => {
  it('groups by tier x band x version x day with Wilson intervals', async () => {
    const tier = uniq('tier');
    const version = 100_000 + Math.floor(Math.random() * 1e6);
    const day1 = new Date('2026-11-20T10:00:00Z');
    const day2 = new Date('2026-11-21T10:00:00Z');
    for (const [createdAt, band, ups, downs] of [[day1, 'simple', 8, 2], [day2, 'simple', 1, 3], [day2, 'complex', 0, 2]] as const) {
      for (let i = 0; i < ups + downs; i++) {
        const id = await insertDecision(prisma, { tier, band, policyVersion: version, createdAt });
        await feedback.rate(rater(), { decisionId: id, rating: i < ups ? 'up' : 'down' });
      }
    }
    const rows = await successRates(prisma, { tier });
    expect(rows.map((r) => [r.day, r.band, r.n, r.up])).toEqual([
      ['2026-11-20', 'simple', 10, 8],
      ['2026-11-21', 'complex', 2, 0],
      ['2026-11-21', 'simple', 4, 1],
    ]);
    expect(rows[0].low).toBeCloseTo(0.4902, 3);
    const byBand = await successRates(prisma, { tier, from: new Date('2026-11-20'), to: new Date('2026-11-21') }, ['band']);
    expect(byBand).toMatchObject([{ band: 'complex', n: 2, up: 0 }, { band: 'simple', n: 14, up: 9 }]);
    expect(await successRates(prisma, { tier, from: new Date('2026-11-21') }, [])).toMatchObject([{ n: 6, up: 1 }]);
    expect(await versionSuccess(prisma, version)).toEqual({ successes: 9, n: 16 });
  });
});
