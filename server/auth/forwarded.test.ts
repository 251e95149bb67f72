import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { annotateForAuth, CLIENT_ADDRESS_HEADER } from './forwarded';

const req = (headers: Record<string, string>, remoteAddress = '203.0.113.9', encrypted = false) =>
  ({ headers: { ...headers }, socket: { remoteAddress, encrypted } }) as unknown as IncomingMessage;

describe('annotateForAuth', () => {
  it('without a trusted proxy: the socket decides, whatever the client claims', () => {
    const r = req({ host: 'cascade.internal:3000', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https', 'x-forwarded-for': '10.9.9.9', [CLIENT_ADDRESS_HEADER]: '1.2.3.4' });
    annotateForAuth(r, false);
    expect(r.headers['x-forwarded-proto']).toBe('http');
    expect(r.headers['x-forwarded-host']).toBeUndefined();
    expect(r.headers[CLIENT_ADDRESS_HEADER]).toBe('203.0.113.9');
    expect(r.headers.host).toBe('cascade.internal:3000');
  });
  it('behind a trusted proxy: its scheme, host and first forwarded address', () => {
    const r = req({ host: '127.0.0.1:3000', 'x-forwarded-host': 'cascade.example.com', 'x-forwarded-proto': 'https', 'x-forwarded-for': '198.51.100.7, 10.0.0.2' }, '10.0.0.2');
    annotateForAuth(r, true);
    expect(r.headers['x-forwarded-proto']).toBe('https');
    expect(r.headers['x-forwarded-host']).toBe('cascade.example.com');
    expect(r.headers[CLIENT_ADDRESS_HEADER]).toBe('198.51.100.7');
  });
  it('a TLS connection is https', () => {
    const r = req({ host: 'cascade.example.com' }, '203.0.113.9', true);
    annotateForAuth(r, false);
    expect(r.headers['x-forwarded-proto']).toBe('https');
  });
});
