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
  const { chunks, size } = isNodeReadable(body) ? await collectNode(body, limitBytes) : await collect(body, limitBytes);
  if (size === 0) throw new HttpError(400, 'Request body is empty: send a JSON object.', undefined, null, 'invalid_json');
  const text = (chunks.length === 1 ? Buffer.from(chunks[0].buffer, chunks[0].byteOffset, chunks[0].byteLength) : Buffer.concat(chunks, size)).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    const why = err instanceof Error ? err.message : 'parse error';
    throw new HttpError(400, `Request body is not valid JSON (${why}).`, undefined, null, 'invalid_json');
  }
}

async function collect(body: AsyncIterable<Uint8Array>, limitBytes: number): Promise<{ chunks: Uint8Array[]; size: number }> {
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
 * The same as collect() for node:http's request stream, with events instead of an async iterator
 * (one promise per request instead of one per chunk: this runs on every API call). Past the
 * limit it stops reading at once; the 413 answer then closes the connection.
 */
function collectNode(body: NodeReadable, limitBytes: number): Promise<{ chunks: Uint8Array[]; size: number }> {
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    let size = 0;
    const onData = (chunk: Uint8Array) => {
      size += chunk.byteLength;
      if (size > limitBytes) {
        cleanup();
        body.pause(); // the caller answers 413 and closes the connection (node-handler.ts)
        reject(tooLarge(limitBytes));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve({ chunks, size });
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    const onClose = () => {
      cleanup();
      reject(new Error('request body closed before its end'));
    };
    const cleanup = () => {
      body.removeListener('data', onData);
      body.removeListener('end', onEnd);
      body.removeListener('error', onError);
      body.removeListener('close', onClose);
    };
    body.on('data', onData);
    body.on('end', onEnd);
    body.on('error', onError);
    body.on('close', onClose);
  });
}

function tooLarge(limit: number): HttpError {
  return new HttpError(413, `Request body is larger than the limit of ${limit} bytes.`, 'invalid_request_error', null, 'payload_too_large');
}
