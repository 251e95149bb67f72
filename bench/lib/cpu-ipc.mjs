// Preloaded (`node --import`) into every server the latency bench measures (Cascade, the bare proxy,
// Portkey, the fake upstream): answers {cpu: true} on the IPC channel with the process's own CPU
// counters (process.cpuUsage, microseconds), RSS and the V8 heap / external memory split, so CPU per request comes from the measured
// process itself rather than from /proc's 10 ms ticks. The channel is unref'd: it never keeps a
// server alive on its own.
if (typeof process.send === 'function') {
  process.on('message', (msg) => {
    if (msg && msg.cpu === true) {
      const u = process.cpuUsage();
      const m = process.memoryUsage();
      process.send({ cpu: { userUs: u.user, systemUs: u.system, rss: m.rss, memory: { heapTotal: m.heapTotal, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers }, id: msg.id ?? null } });
    }
  });
  process.channel?.unref();
}
