// Reads a JSON request body with a byte limit enforced while the body streams in: a 10 MB body is
// refused as soon as the limit is crossed (or up front from Content-Length), never buffered whole.
import { HttpError } from './errors';

export async function readJsonBody(
  body: AsyncIterable<Uint8Array> | null,
  limitBytes: number,
  contentLength?: string | null,
): Promise<unknown> {
  const declared = contentLength ? Number(contentLength) : NaN;
  if (Number.isFinite(declared) && declared > limitBytes) throw tooLarge(limitBytes);
  if (!body) throw new HttpError(400, 'Request body is empty: send a JSON object.', undefined, null, 'invalid_json');
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    if (size > limitBytes) throw tooLarge(limitBytes);
    chunks.push(chunk);
  }
  if (size === 0) throw new HttpError(400, 'Request body is empty: send a JSON object.', undefined, null, 'invalid_json');
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    const why = err instanceof Error ? err.message : 'parse error';
    throw new HttpError(400, `Request body is not valid JSON (${why}).`, undefined, null, 'invalid_json');
  }
}

function tooLarge(limit: number): HttpError {
  return new HttpError(413, `Request body is larger than the limit of ${limit} bytes.`, 'invalid_request_error', null, 'payload_too_large');
}
