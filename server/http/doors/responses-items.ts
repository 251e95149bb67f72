// Responses API input items as chat messages: a message item becomes a chat message (its parts
// OpenAI's content parts), function_call items the tool_calls of an assistant turn, and
// function_call_output items tool messages. Item references name items of this tenant's stored
// responses and are read back from the store.
import type { ResponseStore } from '../../contracts/responses';
import type { ChatMessage, ContentPart } from '../../tiers/types';
import type { ResponsesItem, ResponsesPart, ResponsesRequest } from './responses-schema';
import { badParam } from './zod-issue';

/** The response an item id belongs to (msg_<hex>, fc_<hex>_<n>, in_<hex>_<n> -> resp_<hex>), or null. */
export function responseIdOfItem(itemId: string): string | null {
  const m = /^(?:msg|fc|in)_([0-9a-f]{32})(?:_\d+)?$/.exec(itemId);
  return m ? `resp_${m[1]}` : null;
}

/**
 * The request's input as the input_items list shows it: a string is one user message; every item
 * gets an id (its own, else in_<hex>_<n>, which item_reference can name later) and a message item
 * its type and content parts.
 */
export function inputItems(input: ResponsesRequest['input'], responseId: string): Record<string, unknown>[] {
  const hex = responseId.replace(/^resp_/, '');
  const items: ResponsesItem[] = typeof input === 'string' ? [{ role: 'user', content: input }] : input;
  return items.map((it, n) => {
    const id = ('id' in it && typeof it.id === 'string' && it.id) || `in_${hex}_${n}`;
    if (it.type === undefined || it.type === 'message') {
      const m = it as Extract<ResponsesItem, { role: string }>;
      const content = typeof m.content === 'string' ? [{ type: m.role === 'assistant' ? 'output_text' : 'input_text', text: m.content }] : m.content;
      return { ...m, id, type: 'message', status: m.status ?? 'completed', content };
    }
    return { ...it, id };
  });
}

function toPart(p: ResponsesPart, at: string): ContentPart {
  switch (p.type) {
    case 'input_text':
    case 'output_text':
      return { type: 'text', text: p.text };
    case 'refusal':
      return { type: 'text', text: p.refusal };
    case 'input_image':
      if (!p.image_url) throw badParam(`${at}.file_id`, 'uploaded files are not served; send image_url (an http(s) or data: URL)');
      return { type: 'image_url', image_url: { url: p.image_url, ...(p.detail ? { detail: p.detail } : {}) } };
    case 'input_file':
      if (p.file_url) throw badParam(`${at}.file_url`, 'file URLs are not served; send file_data');
      return { type: 'file', file: { ...(p.file_data ? { file_data: p.file_data } : {}), ...(p.file_id ? { file_id: p.file_id } : {}), ...(p.filename ? { filename: p.filename } : {}) } };
  }
}

function message(role: ChatMessage['role'], content: string | ResponsesPart[], at: string): ChatMessage {
  if (typeof content === 'string') return { role, content };
  const parts = content.map((p, i) => toPart(p, `${at}.content.${i}`));
  const out: ChatMessage = { role, content: parts.flatMap((p) => (p.type === 'text' ? [p.text] : [])).join('\n') };
  if (parts.some((p) => p.type !== 'text')) out.parts = parts;
  return out;
}

export class ItemReader {
  private readonly loaded = new Map<string, Record<string, unknown>[]>();

  constructor(private readonly store: ResponseStore, private readonly tenant: string) {}

  /** Appends one item's messages to `out` (which holds the conversation so far). */
  async add(out: ChatMessage[], it: ResponsesItem, at: string): Promise<void> {
    switch (it.type) {
      case 'reasoning':
        return;
      case 'item_reference':
        return this.add(out, await this.resolve(it.id, at), at);
      case 'function_call': {
        const call = { id: it.call_id, type: 'function' as const, function: { name: it.name, arguments: it.arguments } };
        const last = out.at(-1);
        // Calls made in one turn arrive as consecutive items: one assistant turn with all of them.
        if (last?.role === 'assistant') (last.tool_calls ??= []).push(call);
        else out.push({ role: 'assistant', content: '', tool_calls: [call] });
        return;
      }
      case 'function_call_output': {
        const called = out.some((m) => m.tool_calls?.some((c) => c.id === it.call_id));
        if (!called) throw badParam(`${at}.call_id`, `no earlier function_call has the call_id ${JSON.stringify(it.call_id.slice(0, 64))}`);
        const text = typeof it.output === 'string' ? it.output : message('tool', it.output, at).content;
        out.push({ role: 'tool', tool_call_id: it.call_id, content: text });
        return;
      }
      default: {
        const role = it.role === 'developer' ? 'system' : it.role;
        const m = message(role, it.content, at);
        const last = out.at(-1);
        // An assistant's text and its calls are one turn (the text item comes first).
        if (role === 'assistant' && last?.role === 'assistant' && !last.tool_calls) last.content = [last.content, m.content].filter(Boolean).join('\n');
        else out.push(m);
      }
    }
  }

  private async resolve(id: string, at: string): Promise<ResponsesItem> {
    const respId = responseIdOfItem(id);
    let output = respId ? this.loaded.get(respId) : undefined;
    if (respId && !output) {
      const stored = await this.store.load(this.tenant, respId);
      // Its output items, then its input items (a reference may name either).
      output = [...((stored?.response.output as Record<string, unknown>[] | undefined) ?? []), ...(stored?.input ?? [])];
      this.loaded.set(respId, output);
    }
    const found = output?.find((o) => o.id === id);
    if (!found) throw badParam(`${at}.id`, `no stored item has the id ${JSON.stringify(id.slice(0, 64))}`);
    return found as ResponsesItem;
  }
}
