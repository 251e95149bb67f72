import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, it } from 'vitest';
import { securityHeaders } from './security-headers';

it('sends HSTS only behind TLS, and the other headers always', async () => {
  const apply = securityHeaders({ dev: false });
  const server = http.createServer((req, res) => {
    apply(req, res);
    res.end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  try {
    const plain = await fetch(`http://127.0.0.1:${port}/`);
    const proxied = await fetch(`http://127.0.0.1:${port}/`, { headers: { 'x-forwarded-proto': 'https' } });
    expect(plain.headers.get('strict-transport-security')).toBeNull();
    expect(proxied.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    for (const r of [plain, proxied]) {
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
      expect(r.headers.get('x-frame-options')).toBe('DENY');
      expect(r.headers.get('referrer-policy')).toBe('no-referrer');
      expect(r.headers.get('content-security-policy')).toMatch(/default-src 'self'.*frame-ancestors 'none'/);
      expect(r.headers.get('content-security-policy')).not.toContain('unsafe-eval');
    }
  } finally {
    server.close();
  }
});
