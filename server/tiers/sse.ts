// Server-sent events parsing (WHATWG HTML §9.2.6) over a byte stream: tolerant of \r\n, \r and \n
// line ends, multi-line data fields, comments and chunk boundaries anywhere (even inside a UTF-8
// character). Judging what the data means (JSON, [DONE], garbage) is the connector's job.

export interface SseEvent {
  event: string;
  data: string;
}

/** Longest line we accept before calling the stream garbage (a tier sending megabytes without a newline). */
export const MAX_SSE_LINE = 1 << 20;

export class SseParser {
  private buffer = '';
  private data: string[] = [];
  private eventName = '';
  private readonly decoder = new TextDecoder('utf-8');

  /** Feeds bytes; returns the events completed by them. Throws when a line exceeds MAX_SSE_LINE. */
  push(chunk: Uint8Array): SseEvent[] {
    this.buffer += this.decoder.decode(chunk, { stream: true });
    return this.drain(false);
  }

  /** End of stream: a final event without its blank line still counts (many servers omit it). */
  end(): SseEvent[] {
    this.buffer += this.decoder.decode();
    const out = this.drain(true);
    if (this.buffer.length > 0) this.line(this.buffer, out);
    this.buffer = '';
    this.dispatch(out);
    return out;
  }

  private drain(final: boolean): SseEvent[] {
    const out: SseEvent[] = [];
    let start = 0;
    for (let i = 0; i < this.buffer.length; i++) {
      const c = this.buffer.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      // A \r at the very end may be the first half of \r\n: wait for more bytes unless final.
      if (c === 13 && i === this.buffer.length - 1 && !final) break;
      this.line(this.buffer.slice(start, i), out);
      if (c === 13 && this.buffer.charCodeAt(i + 1) === 10) i++;
      start = i + 1;
    }
    this.buffer = this.buffer.slice(start);
    if (this.buffer.length > MAX_SSE_LINE) throw new Error(`SSE line longer than ${MAX_SSE_LINE} characters`);
    return out;
  }

  private line(line: string, out: SseEvent[]): void {
    if (line === '') return this.dispatch(out);
    if (line.startsWith(':')) return; // comment / keep-alive
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.eventName = value;
    // id and retry are irrelevant for a one-shot completion stream.
  }

  private dispatch(out: SseEvent[]): void {
    if (this.data.length > 0) out.push({ event: this.eventName || 'message', data: this.data.join('\n') });
    this.data = [];
    this.eventName = '';
  }
}
