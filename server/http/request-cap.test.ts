import { describe, expect, it } from 'vitest';
import { capRequestBody } from './request-cap';

const post = (body: BodyInit, headers: Record<string, string> = {}) => new Request('http://x/api/trpc/a', { method: 'POST', body, headers, duplex: 'half' } as RequestInit);

function streamOf(bytes: number, chunk = 64 * 1024): { body: ReadableStream<Uint8Array>; pulled: () => number } {
  let sent = 0;
  return {
    body: new ReadableStream({
      pull(c) {
        if (sent >= bytes) return c.close();
        const n = Math.min(chunk, bytes - sent);
        sent += n;
        c.enqueue(new Uint8Array(n));
      },
    }),
    pulled: () => sent,
  };
}

describe('capRequestBody', () => {
  it('passes bodies under the limit through unchanged', async () => {
    const r = await capRequestBody(post('{"a":1}', { 'content-type': 'application/json' }), 1024);
    expect(r).toBeInstanceOf(Request);
    expect(await (r as Request).text()).toBe('{"a":1}');
    expect((r as Request).headers.get('content-type')).toBe('application/json');
  });

  it('refuses a declared oversize body without reading it', async () => {
    const s = streamOf(50 * 1024 * 1024);
    const r = await capRequestBody(post(s.body, { 'content-length': String(50 * 1024 * 1024) }), 1024 * 1024);
    expect((r as Response).status).toBe(413);
    expect(s.pulled()).toBeLessThan(1024 * 1024);
  });

  it('stops reading an undeclared (chunked) body at the limit', async () => {
    const s = streamOf(50 * 1024 * 1024);
    const r = await capRequestBody(post(s.body), 1024 * 1024);
    expect((r as Response).status).toBe(413);
    expect(s.pulled()).toBeLessThanOrEqual(1024 * 1024 + 2 * 64 * 1024);
  });
});
