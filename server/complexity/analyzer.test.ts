// The analyzer end to end through ONNX Runtime: anchors, hostile input, concurrency, and quality on
// the realistic held-out set (never trained on).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadHoldout } from './data';
import { evaluate } from './metrics';
import { BANDS, ComplexityInputError, createAnalyzer, type Assessment } from './index';

let analyzer: Awaited<ReturnType<typeof createAnalyzer>>;
beforeAll(async () => {
  analyzer = await createAnalyzer();
});
afterAll(async () => {
  await analyzer.close();
});

function expectValid(a: Assessment) {
  expect(BANDS).toContain(a.band);
  expect(Number.isFinite(a.score)).toBe(true);
  expect(a.score).toBeGreaterThanOrEqual(0);
  expect(a.score).toBeLessThanOrEqual(1);
  const ps = BANDS.map((b) => a.probs[b]);
  ps.forEach((p) => expect(Number.isFinite(p)).toBe(true));
  expect(ps.reduce((x, y) => x + y, 0)).toBeCloseTo(1, 5);
  expect(a.band).toBe(BANDS[ps.indexOf(Math.max(...ps))]);
  expect(Number.isFinite(a.signals.contextShare)).toBe(true);
  expect(a.modelVersion).toMatch(/^complexity-[0-9a-f]{12}$/);
}

describe('assess', () => {
  it.each([
    ["What's 2+2?", 'simple'],
    ['Explain quantum physics', 'moderate'],
    ['Write a business plan for a bakery', 'complex'],
    ['Research and analyze the EV battery market across sources', 'research'],
  ])('anchor %s -> %s', async (text, band) => {
    const a = await analyzer.assess(text);
    expectValid(a);
    expect(a.band).toBe(band);
  });

  it('orders the anchors by score', async () => {
    const scores = await Promise.all(["What's 2+2?", 'Explain quantum physics', 'Write a business plan for a bakery', 'Research and analyze the EV battery market across sources'].map((t) => analyzer.assess(t).then((a) => a.score)));
    expect([...scores].sort((a, b) => a - b)).toEqual(scores);
  });

  it('explains itself: keywords, structure, language, top features', async () => {
    const a = await analyzer.assess('Write a Python function that parses this CSV:\n\n```\nid,name\n1,Ann\n```\n\n1. handle quotes\n2. handle empty lines\n3. add tests');
    expect(a.signals.keywords).toContain('code');
    expect(a.signals.hasCode).toBe(true);
    expect(a.signals.numberedParts).toBe(3);
    expect(a.signals.multiPart).toBe(true);
    expect(a.signals.language).toBe('en');
    expect(a.signals.topFeatures.length).toBeGreaterThan(0);
    expect((await analyzer.assess('请帮我写一份面包店的商业计划书')).signals.language).toBe('zh');
    expect((await analyzer.assess('パン屋の事業計画を書いてください')).signals.language).toBe('ja');
  });

  const junk = String.fromCharCode(...Array.from({ length: 4096 }, (_, i) => (i * 7919) % 65536));
  it.each([
    ['empty', ''],
    ['whitespace', ' \n\t\r   \u00a0 '],
    ['1 MB of text', 'lorem ipsum dolor sit amet '.repeat(40_000)],
    ['binary junk', junk],
    ['lone surrogates', '\ud800abc\udfff'],
    ['emoji', '🚀🔥💯🤖👩‍👩‍👧‍👦🏳️‍🌈'],
    ['mixed scripts', 'Explain 量子力学 и квантовую физику, por favor: مرحبا 🙂'],
    ['only punctuation', '?!?!...,,,;;;'],
  ])('never NaN: %s', async (_name, text) => {
    const a = await analyzer.assess(text);
    expectValid(a);
  });

  it('cuts a 1 MB input and says so', async () => {
    const a = await analyzer.assess('Write a detailed report. '.repeat(45_000));
    expect(a.signals.truncated).toBe(true);
    expectValid(a);
  });

  it('rejects non-text with a clear error', async () => {
    await expect(analyzer.assess(42 as unknown as string)).rejects.toBeInstanceOf(ComplexityInputError);
    await expect(analyzer.assess(null as unknown as string)).rejects.toThrow(/needs a string/);
  });

  it('gives the same answers concurrently as sequentially', async () => {
    const texts = loadHoldout().slice(0, 30).map((r) => r.text);
    const sequential: string[] = [];
    for (const t of texts) sequential.push(JSON.stringify(await analyzer.assess(t)));
    const concurrent = await Promise.all(texts.map((t) => analyzer.assess(t).then((a) => JSON.stringify(a))));
    expect(concurrent).toEqual(sequential);
  });

  it('reaches macro-F1 >= 0.85 on the realistic held-out set (never trained on)', async () => {
    const rows = loadHoldout();
    const predicted = await Promise.all(rows.map((r) => analyzer.assess(r.text).then((a) => a.band)));
    const report = evaluate(
      rows.map((r) => r.label),
      predicted,
    );
    expect(report.n).toBeGreaterThanOrEqual(150);
    expect(report.macroF1).toBeGreaterThanOrEqual(0.85);
  });
});
