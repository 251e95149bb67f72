// The process's pino logger. Records carry the trace and span ids of the active span when tracing
// is on, so a log line and its trace can be found from each other; request logs carry decision_id.
import { trace } from '@opentelemetry/api';
import pino from 'pino';
import { env } from '../env';

let logger: pino.Logger | null = null;

export function log(): pino.Logger {
  logger ??= pino({
    level: env().LOG_LEVEL,
    base: { pid: process.pid },
    mixin() {
      const ctx = trace.getActiveSpan()?.spanContext();
      return ctx ? { trace_id: ctx.traceId, span_id: ctx.spanId } : {};
    },
  });
  return logger;
}
