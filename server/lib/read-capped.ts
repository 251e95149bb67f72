// Collects a Node readable stream up to a byte limit, with events instead of an async iterator (one
// promise per body instead of one per chunk: both callers sit on the per-request hot path). Past the
// limit it stops collecting at once and rejects with the caller's error; the caller's `overflow`
// decides what happens to the stream (pause for a request we answer 413, destroy for an upstream).
export interface CappedBody {
  chunks: Uint8Array[];
  size: number;
}

export interface ReadCappedOptions {
  /** Called once when the limit is crossed; returns the rejection. */
  overflow(body: NodeJS.ReadableStream): Error;
  /** When given, a stream that closes before its end rejects with this error (else it is left to 'error'). */
  closedEarly?(): Error;
}

export function readCapped(body: NodeJS.ReadableStream, limit: number, opts: ReadCappedOptions): Promise<CappedBody> {
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    let size = 0;
    const onData = (chunk: Uint8Array) => {
      size += chunk.byteLength;
      if (size > limit) {
        cleanup();
        reject(opts.overflow(body));
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
      reject(opts.closedEarly!());
    };
    const cleanup = () => {
      body.removeListener('data', onData);
      body.removeListener('end', onEnd);
      body.removeListener('error', onError);
      if (opts.closedEarly) body.removeListener('close', onClose);
    };
    body.on('data', onData);
    body.on('end', onEnd);
    body.on('error', onError);
    if (opts.closedEarly) body.on('close', onClose);
  });
}

/** The collected bytes as one Buffer (no copy when there was a single chunk). */
export function joined({ chunks, size }: CappedBody): Buffer {
  return chunks.length === 1 ? Buffer.from(chunks[0].buffer, chunks[0].byteOffset, chunks[0].byteLength) : Buffer.concat(chunks, size);
}
