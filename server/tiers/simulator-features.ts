// What the simulated tiers do with the parts of the OpenAI API beyond plain text, so the embedded
// default shows them faithfully: tool calls whose arguments are valid against the function's schema,
// json_schema answers valid against their schema, stop sequences, n choices, and a description of
// an image. Deterministic for a given prompt (the caller's seeded random source).

type Rand = () => number;
type Schema = Record<string, unknown>;

const WORDS = ['alpha', 'river', 'copper', 'maple', 'orbit', 'delta', 'harbor', 'quartz', 'ember', 'meadow'];

/** A value valid against a JSON schema (the subset tool and structured-output schemas use). */
export function sampleFromSchema(schema: unknown, rand: Rand, depth = 0): unknown {
  if (!schema || typeof schema !== 'object' || depth > 8) return null;
  const s = schema as Schema;
  if ('const' in s) return s.const;
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum[Math.floor(rand() * s.enum.length)];
  for (const k of ['anyOf', 'oneOf', 'allOf'] as const) {
    const alts = s[k];
    if (Array.isArray(alts) && alts.length > 0) {
      if (k === 'allOf') return sampleFromSchema(Object.assign({}, ...alts), rand, depth + 1);
      const nonNull = alts.filter((a) => (a as Schema)?.type !== 'null');
      return sampleFromSchema(nonNull[0] ?? alts[0], rand, depth + 1);
    }
  }
  const type = Array.isArray(s.type) ? (s.type.find((t) => t !== 'null') ?? s.type[0]) : s.type ?? (s.properties ? 'object' : 'string');
  switch (type) {
    case 'object': {
      const props = (s.properties ?? {}) as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(props)) out[k] = sampleFromSchema(v, rand, depth + 1);
      return out;
    }
    case 'array': {
      const min = typeof s.minItems === 'number' ? s.minItems : 1;
      const max = typeof s.maxItems === 'number' ? s.maxItems : Math.max(min, 2);
      const n = Math.min(max, Math.max(min, 1 + Math.floor(rand() * 2)));
      return Array.from({ length: n }, () => sampleFromSchema(s.items ?? { type: 'string' }, rand, depth + 1));
    }
    case 'integer':
    case 'number': {
      const lo = typeof s.minimum === 'number' ? s.minimum : typeof s.exclusiveMinimum === 'number' ? s.exclusiveMinimum + 1 : 0;
      const hi = typeof s.maximum === 'number' ? s.maximum : typeof s.exclusiveMaximum === 'number' ? s.exclusiveMaximum - 1 : lo + 100;
      const v = lo + rand() * Math.max(0, hi - lo);
      return type === 'integer' ? Math.min(Math.floor(hi), Math.max(Math.ceil(lo), Math.round(v))) : Math.round(v * 100) / 100;
    }
    case 'boolean':
      return rand() < 0.5;
    case 'null':
      return null;
    default:
      return stringFor(s, rand);
  }
}

function stringFor(s: Schema, rand: Rand): string {
  switch (s.format) {
    case 'date-time': return '2026-01-15T09:30:00Z';
    case 'date': return '2026-01-15';
    case 'time': return '09:30:00';
    case 'email': return 'someone@example.com';
    case 'uri':
    case 'url': return 'https://example.com/item';
    case 'uuid': return '00000000-0000-4000-8000-000000000000';
  }
  const min = typeof s.minLength === 'number' ? s.minLength : 1;
  const max = typeof s.maxLength === 'number' ? s.maxLength : 64;
  let out = WORDS[Math.floor(rand() * WORDS.length)];
  while (out.length < min) out += ` ${WORDS[Math.floor(rand() * WORDS.length)]}`;
  return out.slice(0, max);
}

interface WireTool {
  type?: string;
  function?: { name?: string; parameters?: unknown };
}

/**
 * The tool calls a simulated model makes, or null to answer in text: it calls when it must
 * (tool_choice "required" or a named function) or, with "auto", while the conversation has no tool
 * result yet after the last user turn. With parallel calls allowed and several tools, it calls two.
 */
export function simulatedToolCalls(body: Record<string, unknown>, messages: { role?: unknown }[], rand: Rand, idBase: string): { id: string; type: 'function'; function: { name: string; arguments: string } }[] | null {
  const tools = (Array.isArray(body.tools) ? body.tools : []) as WireTool[];
  const fns = tools.filter((t) => t?.type === 'function' && typeof t.function?.name === 'string');
  if (fns.length === 0) return null;
  const choice = body.tool_choice;
  if (choice === 'none') return null;
  const named = choice && typeof choice === 'object' ? (choice as { function?: { name?: string } }).function?.name : undefined;
  const lastUser = messages.map((m) => m.role).lastIndexOf('user');
  const answeredSince = messages.slice(lastUser + 1).some((m) => m.role === 'tool' || m.role === 'function');
  if (!named && choice !== 'required' && answeredSince) return null;
  const picked = named ? fns.filter((t) => t.function!.name === named) : body.parallel_tool_calls !== false && fns.length > 1 && !choice ? fns.slice(0, 2) : [fns[Math.floor(rand() * fns.length)]];
  return picked.map((t, i) => ({
    id: `call_${idBase}_${i}`,
    type: 'function' as const,
    function: { name: t.function!.name!, arguments: JSON.stringify(sampleFromSchema(t.function!.parameters ?? { type: 'object', properties: {} }, rand) ?? {}) },
  }));
}

/** The JSON answer of a json_schema request: valid against its schema. */
export function simulatedStructured(body: Record<string, unknown>, rand: Rand): string | null {
  const rf = body.response_format as { type?: string; json_schema?: { schema?: unknown } } | undefined;
  if (rf?.type !== 'json_schema' || !rf.json_schema?.schema) return null;
  return JSON.stringify(sampleFromSchema(rf.json_schema.schema, rand));
}

/** The text cut before the first stop sequence, and whether one was hit. */
export function applyStop(text: string, stop: unknown): { text: string; stopped: boolean } {
  const seqs = (typeof stop === 'string' ? [stop] : Array.isArray(stop) ? stop : []).filter((s): s is string => typeof s === 'string' && s.length > 0);
  let at = -1;
  for (const s of seqs) {
    const i = text.indexOf(s);
    if (i >= 0 && (at < 0 || i < at)) at = i;
  }
  return at < 0 ? { text, stopped: false } : { text: text.slice(0, at), stopped: true };
}

/** Text and media of a wire message: content as a string, or its parts. */
export function wireText(content: unknown): { text: string; images: number; audio: number } {
  if (typeof content === 'string') return { text: content, images: 0, audio: 0 };
  if (!Array.isArray(content)) return { text: '', images: 0, audio: 0 };
  let text = '';
  let images = 0;
  let audio = 0;
  for (const p of content as { type?: string; text?: unknown }[]) {
    if (p?.type === 'text' && typeof p.text === 'string') text += (text ? '\n' : '') + p.text;
    else if (p?.type === 'image_url') images++;
    else if (p?.type === 'input_audio') audio++;
  }
  return { text, images, audio };
}

/** A plain description of what the last user turn attached (the simulator does not look at pixels). */
export function describeMedia(images: number, audio: number): string {
  const parts: string[] = [];
  if (images) parts.push(`${images === 1 ? 'The image' : `The ${images} images`} show${images === 1 ? 's' : ''} a scene with a few objects in soft light; nothing in it is legible text.`);
  if (audio) parts.push(`The audio clip is a short recording of speech.`);
  return parts.join(' ');
}
