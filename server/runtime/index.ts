// The process-wide runtime: one per Node process, shared by the custom server (server.ts) and Next's
// route modules, which are bundled separately and so cannot share a module-level variable. It lives
// on globalThis under a registered symbol; the first caller starts it, everyone else awaits the same
// promise.
import { env, type Env } from '../env';
import type { Runtime } from './types';

export type { PolicyProvider, Runtime } from './types';

const KEY = Symbol.for('cascade.runtime');
const ENV = Symbol.for('cascade.runtime.env');
type Holder = { [KEY]?: Promise<Runtime>; [ENV]?: string };
const holder = globalThis as Holder;

/**
 * Starts the runtime once per process (idempotent). Given a configuration while a runtime started
 * with another one is running, it throws rather than hand back a runtime that ignores it.
 */
export function startRuntime(e?: Env): Promise<Runtime> {
  const wanted = e ? JSON.stringify(e) : undefined;
  if (holder[KEY] && wanted !== undefined && holder[ENV] !== undefined && holder[ENV] !== wanted) {
    return Promise.reject(new Error('a runtime with another configuration is running in this process: stopRuntime() first'));
  }
  if (!holder[KEY]) {
    const config = e ?? env();
    holder[ENV] = JSON.stringify(config);
    holder[KEY] = import('./compose').then((m) => m.compose(config));
  }
  const started = holder[KEY];
  // A failed start must not stay cached: the next caller tries again (e.g. after the DB comes up).
  started.catch(() => {
    if (holder[KEY] === started) delete holder[KEY];
  });
  return started;
}

export function getRuntime(): Promise<Runtime> {
  return startRuntime();
}

export async function stopRuntime(): Promise<void> {
  const p = holder[KEY];
  if (!p) return;
  delete holder[KEY];
  delete holder[ENV];
  const rt = await p.catch(() => null);
  await rt?.stop();
}
