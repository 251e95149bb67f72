// Streamed tool calls, put back together: fragments keyed by index, the id and name from whichever
// fragment carries them, argument text concatenated in arrival order.
import type { ToolCall, ToolCallDelta } from './types';

export class ToolCallAssembler {
  private readonly calls = new Map<number, { id?: string; name?: string; args: string }>();

  add(deltas: readonly ToolCallDelta[]): void {
    for (const d of deltas) {
      let c = this.calls.get(d.index);
      if (!c) this.calls.set(d.index, (c = { args: '' }));
      if (d.id) c.id ??= d.id;
      if (d.name) c.name ??= d.name;
      if (d.arguments) c.args += d.arguments;
    }
  }

  get size(): number {
    return this.calls.size;
  }

  /** The calls in index order; one without a name is kept with an empty name so the checks reject it. */
  toolCalls(): ToolCall[] {
    return [...this.calls.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([i, c]) => ({ id: c.id ?? `call_${i}`, type: 'function' as const, function: { name: c.name ?? '', arguments: c.args } }));
  }
}
