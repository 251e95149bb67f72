// Minimal reader of a text/event-stream body (fetch POST cannot use EventSource). Yields one
// { event, data } per frame; a frame without `event:` gets the `type` field of its JSON data, or
// "message".
export interface SseFrame {
  event: string;
  data: string;
}

export function parseSseChunk(buffer: string): { frames: SseFrame[]; rest: string } {
  const frames: SseFrame[] = [];
  const parts = buffer.replace(/\r\n/g, '\n').split('\n\n');
  const rest = parts.pop() ?? '';
  for (const part of parts) {
    let event = '';
    const data: string[] = [];
    for (const line of part.split('\n')) {
      if (line.startsWith(':')) continue; // comment / keep-alive
      const i = line.indexOf(':');
      const field = i < 0 ? line : line.slice(0, i);
      const value = i < 0 ? '' : line.slice(i + 1).replace(/^ /, '');
      if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
    }
    if (!data.length && !event) continue;
    const text = data.join('\n');
    if (!event) {
      try {
        const t = (JSON.parse(text) as { type?: unknown }).type;
        event = typeof t === 'string' ? t : 'message';
      } catch {
        event = 'message';
      }
    }
    frames.push({ event, data: text });
  }
  return { frames, rest };
}

export async function* readSse(body: ReadableStream<Uint8Array>, signal?: AbortSignal): AsyncGenerator<SseFrame> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    while (!signal?.aborted) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      const { frames, rest } = parseSseChunk(buffer);
      buffer = rest;
      yield* frames;
    }
    const { frames } = parseSseChunk(`${buffer}\n\n`);
    yield* frames;
  } finally {
    reader.releaseLock();
  }
}
