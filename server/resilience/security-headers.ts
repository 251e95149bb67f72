// Headers every response carries. The console is a Next.js app whose pages hydrate with inline
// scripts, so script-src keeps 'unsafe-inline' (a nonce would need Next's middleware on every page);
// everything else is closed: no framing (clickjacking), no plugins, no foreign origins to fetch,
// no MIME sniffing, no referrer leaving the site. HSTS only when the request arrived over TLS (the
// socket, or a proxy that says so): sent over plain HTTP it would be ignored at best.
import type { IncomingMessage, ServerResponse } from 'node:http';

export function contentSecurityPolicy(dev: boolean): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'unsafe-inline'${dev ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self'${dev ? ' ws: wss:' : ''}`,
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export function securityHeaders(opts: { dev: boolean }) {
  const csp = contentSecurityPolicy(opts.dev);
  return function apply(req: IncomingMessage, res: ServerResponse): void {
    res.setHeader('content-security-policy', csp);
    res.setHeader('x-frame-options', 'DENY');
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    res.setHeader('cross-origin-opener-policy', 'same-origin');
    const tls = (req.socket as { encrypted?: boolean }).encrypted === true || String(req.headers['x-forwarded-proto'] ?? '').split(',')[0].trim() === 'https';
    if (tls) res.setHeader('strict-transport-security', 'max-age=31536000; includeSubDomains');
  };
}
