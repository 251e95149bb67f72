// A Fetch API request body read up to a limit, for the routes Next.js serves (tRPC): past the limit
// the caller gets a 413 at once and the rest of the body is not buffered (Next would otherwise read
// a 50 MB body from any signed-in caller into memory before tRPC looks at it).
export async function capRequestBody(req: Request, limit: number): Promise<Request | Response> {
  if (req.method === 'GET' || req.method === 'HEAD' || !req.body) return req;
  const tooLarge = () =>
    new Response(JSON.stringify({ error: { message: `Request body larger than ${limit} bytes.`, code: 'payload_too_large' } }), {
      status: 413,
      headers: { 'content-type': 'application/json', connection: 'close' },
    });
  const declared = Number(req.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > limit) {
    await req.body.cancel().catch(() => undefined);
    return tooLarge();
  }
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      return tooLarge();
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    body.set(c, at);
    at += c.byteLength;
  }
  return new Request(req.url, { method: req.method, headers: req.headers, body, signal: req.signal });
}
