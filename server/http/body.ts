// Reads a JSON request body with a byte limit enforced while the body streams in: a 10 MB body is
// refused as soon as the limit is crossed (or up front from Content-Length), never buffered whole.
import { joined, readCapped, type CappedBody } from '../lib/read-capped';
import { HttpError } from './errors';

export async function readJsonBody(
  body: AsyncIterable<Uint8Array> | null,
  limitBytes: number,
  contentLength?: string | null,
): Promise<unknown> {
  const declared = contentLength ? Number(contentLength) : NaN;
  if (Number.isFinite(declared) && declared > limitBytes) throw tooLarge(limitBytes);
  if (!body) throw new HttpError(400, 'Request body is empty: send a JSON object.', undefined, null, 'invalid_json');
  const { chunks, size } = isNodeReadable(body) ? await collectNode(body, limitBytes) : await collect(body, limitBytes);
  if (size === 0) throw new HttpError(400, 'Request body is empty: send a JSON object.', undefined, null, 'invalid_json');
  const text = joined({ chunks, size }).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    const why = err instanceof Error ? err.message : 'parse error';
    throw new HttpError(400, `Request body is not valid JSON (${why}).`, undefined, null, 'invalid_json');
  }
}

async function collect(body: AsyncIterable<Uint8Array>, limitBytes: number): Promise<CappedBody> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    if (size > limitBytes) throw tooLarge(limitBytes);
    chunks.push(chunk);
  }
  return { chunks, size };
}

type NodeReadable = AsyncIterable<Uint8Array> & NodeJS.ReadableStream;

function isNodeReadable(body: AsyncIterable<Uint8Array>): body is NodeReadable {
  return typeof (body as Partial<NodeReadable>).on === 'function' && typeof (body as Partial<NodeReadable>).pause === 'function';
}

/**
 * The same as collect() for node:http's request stream. Past the limit it stops reading at once;
 * the 413 answer then closes the connection (node-handler.ts).
 */
function collectNode(body: NodeReadable, limitBytes: number): Promise<CappedBody> {
  return readCapped(body, limitBytes, {
    overflow: (b) => {
      b.pause();
      return tooLarge(limitBytes);
    },
    closedEarly: () => new Error('request body closed before its end'),
  });
}

function tooLarge(limit: number): HttpError {
  return new HttpError(413, `Request body is larger than the limit of ${limit} bytes.`, 'invalid_request_error', null, 'payload_too_large');
}
