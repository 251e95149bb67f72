// Fetch API request bodies as the async iterables the handlers read (so the byte limit applies while streaming).
export function webBody(req: Request): AsyncIterable<Uint8Array> | null {
  const body = req.body;
  if (!body) return null;
  return {
    async *[Symbol.asyncIterator]() {
      const reader = body.getReader();
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          yield value;
        }
      } finally {
        await reader.cancel().catch(() => undefined);
      }
    },
  };
}
