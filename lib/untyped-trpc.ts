// Calls a tRPC mutation by name over plain HTTP (tRPC wire format with superjson). Used only for
// procedures owned by modules that may land after the console (feedback, tuner, batch): a missing
// procedure shows as a clear error in the page instead of breaking the build.
export async function callMutation<T = unknown>(path: string, input: unknown): Promise<T> {
  const res = await fetch(`/api/trpc/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ json: input }) });
  let body: { result?: { data?: { json?: T } }; error?: { json?: { message?: string } } } = {};
  try {
    body = (await res.json()) as typeof body;
  } catch {
    /* not JSON */
  }
  if (!res.ok) {
    const msg = body.error?.json?.message ?? `request failed (${res.status})`;
    throw new Error(res.status === 404 && /No procedure/i.test(msg) ? `${path} is not available on this server yet.` : msg);
  }
  return body.result?.data?.json as T;
}
