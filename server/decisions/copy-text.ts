// Rows in Postgres' COPY text format (tab-separated, \N for NULL, backslash escapes) and a helper
// that streams one such payload into a table. COPY is parsed by the server's fast input path and
// needs no parameter arrays, which made it several times cheaper than INSERT ... unnest($arrays)
// for decision batches (docs/notes/db.md and docs/notes/decisions.md).
import type pg from 'pg';

const NEEDS_ESCAPE = /[\\\n\r\t]/;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** One field in COPY text format. Numbers must be finite (normalize.ts guarantees it). */
export function copyField(v: string | number | boolean | null | undefined): string {
  if (typeof v === 'string') return NEEDS_ESCAPE.test(v) ? v.replace(/[\\\n\r\t]/g, (c) => ESCAPES[c]) : v;
  if (v === null || v === undefined) return '\\N';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`non-finite number in a COPY row: ${v}`);
    return String(v);
  }
  return v ? 't' : 'f';
}

/** One line (with its newline) of COPY text for the given fields, in table column order. Built with
 *  join() rather than += : measured ~2.5x cheaper per row (V8 flattens one string, not a rope). */
export function copyLine(fields: readonly (string | number | boolean | null | undefined)[]): string {
  const out = new Array<string>(fields.length);
  for (let i = 0; i < fields.length; i++) out[i] = copyField(fields[i]);
  return `${out.join('\t')}\n`;
}

const CHUNK_BYTES = 64 * 1024;

/**
 * COPY FROM STDIN as a pg submittable that owns its whole life cycle. pg-copy-streams' writable kept
 * callbacks (its CopyInResponse handler, the socket's 'drain') that dereference the connection it
 * nulls on error: an answer arriving after the query read timeout, or a drain after an error, threw
 * a TypeError outside any promise and ended the process. Here every late event after the query
 * settled is a no-op (a late CopyInResponse is answered with CopyFail so the connection's protocol
 * stays in step), and nothing outlives the query.
 */
class CopyInQuery {
  readonly text: string;
  readonly done: Promise<number>;
  private payload: Buffer;
  private rowCount = 0;
  private settled = false;
  private resolve!: (n: number) => void;
  private reject!: (err: Error) => void;

  constructor(target: string, payload: string) {
    this.text = `COPY ${target} FROM STDIN`;
    this.payload = Buffer.from(payload, 'utf8');
    this.done = new Promise<number>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  /** Replaced by pg when query_timeout is set; calling it clears that timer. */
  callback(_err?: Error | null): void {}

  submit(connection: pg.Connection): void {
    (connection as unknown as { query(text: string): void }).query(this.text);
  }

  handleCopyInResponse(connection: CopyConnection): void {
    if (this.settled) {
      connection.sendCopyFail('the client gave up on this COPY');
      return;
    }
    const send = (offset: number): void => {
      const stream = connection.stream;
      while (offset < this.payload.length) {
        if (this.settled || !stream.writable) return;
        const end = Math.min(offset + CHUNK_BYTES, this.payload.length);
        connection.sendCopyFromChunk(this.payload.subarray(offset, end));
        offset = end;
        if (stream.writableNeedDrain) {
          stream.once('drain', () => send(offset));
          return;
        }
      }
      if (!this.settled && stream.writable) connection.endCopyFrom();
    };
    send(0);
  }

  handleCommandComplete(msg: { text?: string }): void {
    const m = /COPY (\d+)/.exec(msg?.text ?? '');
    if (m) this.rowCount = Number(m[1]);
  }

  handleReadyForQuery(): void {
    this.settle(null);
  }

  handleError(err: Error): void {
    this.settle(err);
  }

  // Messages a COPY FROM never gets; present so an unexpected one cannot throw inside pg.
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}
  handleCopyData(): void {}

  private settle(err: Error | null): void {
    if (this.settled) return;
    this.settled = true;
    this.payload = Buffer.alloc(0);
    this.callback(err);
    if (err) this.reject(err);
    else this.resolve(this.rowCount);
  }
}

interface CopyConnection {
  stream: NodeJS.WritableStream & { writable: boolean; writableNeedDrain: boolean };
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
  sendCopyFail(msg: string): void;
}

/** COPY <target> FROM STDIN with the given text payload; resolves with the server's row count. */
export function copyIn(client: pg.ClientBase, target: string, payload: string): Promise<number> {
  const q = new CopyInQuery(target, payload);
  client.query(q as unknown as pg.Submittable);
  return q.done;
}
