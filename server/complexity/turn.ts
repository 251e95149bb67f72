// Assessing an agent turn, not only the last user text. An agent loop sends the same request again
// and again with tool results appended: the last user message is often the task stated once, or the
// last message is a tool result and there is no new user text at all. What makes such a turn hard is
// structural — the tools on offer, the trajectory so far, how much tool output the model must read —
// and the classifier (trained on standalone prompts) cannot see it. So, without retraining:
//   1. the text assessed is the harder of the conversation's task (its first user message) and the
//      last user message;
//   2. a structural floor moves the band up when the classifier placed the turn below it: an agent
//      turn (tools offered, or tool calls / results in the conversation) is at least moderate (a small
//      model is unreliable at choosing and filling tool calls), and a long trajectory (>= 3 tool
//      results), a large toolbox (>= 8 tools) or >= 8,000 characters of tool output make it complex.
//      The probability mass below the floor moves to the floor band; band and score follow from it.
// A request without tools, tool calls or tool results is assessed exactly as before: assess(last user text).
import { scoreOf } from './analyzer';
import { BANDS, type Analyzer, type Assessment, type Band, type BandProbs, type Signals } from './types';

export interface TurnMessage {
  role: string;
  content: string;
  tool_calls?: unknown[];
}

export interface Turn {
  messages: readonly TurnMessage[];
  /** Tools the client offers the model in this request. */
  toolsOffered: number;
}

export type AgentSignals = NonNullable<Signals['agent']>;

export const AGENT_LIMITS = { trajectory: 3, toolbox: 8, toolOutputChars: 8_000 } as const;

export function turnShape(turn: Turn) {
  let toolCalls = 0;
  let toolResults = 0;
  let toolResultChars = 0;
  let userTurns = 0;
  for (const m of turn.messages) {
    if (m.role === 'user') userTurns++;
    else if (m.role === 'tool' || m.role === 'function') {
      toolResults++;
      toolResultChars += m.content.length;
    } else if (m.role === 'assistant') toolCalls += m.tool_calls?.length ?? 0;
  }
  const agentic = turn.toolsOffered > 0 || toolCalls > 0 || toolResults > 0;
  return { agentic, toolCalls, toolResults, toolResultChars, userTurns };
}

function floorOf(toolsOffered: number, s: ReturnType<typeof turnShape>): { band: Band; reason: string } {
  if (s.toolResults >= AGENT_LIMITS.trajectory) return { band: 'complex', reason: `${s.toolResults} tool results so far: a multi-step trajectory` };
  if (toolsOffered >= AGENT_LIMITS.toolbox) return { band: 'complex', reason: `${toolsOffered} tools offered` };
  if (s.toolResultChars >= AGENT_LIMITS.toolOutputChars) return { band: 'complex', reason: `${s.toolResultChars} characters of tool output to read` };
  return { band: 'moderate', reason: toolsOffered > 0 ? `${toolsOffered} tool(s) offered: the model must choose and fill tool calls` : 'the conversation calls tools' };
}

/** Moves the probability of the bands below `floor` onto it. */
export function applyFloor(probs: BandProbs, floor: Band): BandProbs {
  const at = BANDS.indexOf(floor);
  const out = { ...probs };
  for (let i = 0; i < at; i++) {
    out[floor] += out[BANDS[i]];
    out[BANDS[i]] = 0;
  }
  return out;
}

const lastUser = (messages: readonly TurnMessage[]) => [...messages].reverse().find((m) => m.role === 'user')?.content ?? '';
const firstUser = (messages: readonly TurnMessage[]) => messages.find((m) => m.role === 'user')?.content ?? '';

export async function assessTurn(analyzer: Analyzer, turn: Turn): Promise<Assessment> {
  const last = lastUser(turn.messages);
  const shape = turnShape(turn);
  if (!shape.agentic) return analyzer.assess(last);
  const task = firstUser(turn.messages);
  let a = await analyzer.assess(last);
  let assessed: AgentSignals['assessed'] = 'last_user';
  if (task !== last) {
    const t = await analyzer.assess(task);
    if (t.score > a.score) {
      a = t;
      assessed = 'task';
    }
  }
  const want = floorOf(turn.toolsOffered, shape);
  let floor: AgentSignals['floor'] = null;
  if (BANDS.indexOf(a.band) < BANDS.indexOf(want.band)) {
    floor = want;
    const probs = applyFloor(a.probs, want.band);
    const list = BANDS.map((b) => probs[b]);
    const band = BANDS[list.indexOf(Math.max(...list))];
    // The score keeps any history blend's lift: it only ever moves up.
    a = { ...a, probs, band, score: Math.max(a.score, scoreOf(list)) };
  }
  const agent: AgentSignals = { assessed, toolsOffered: turn.toolsOffered, toolCalls: shape.toolCalls, toolResults: shape.toolResults, toolResultChars: shape.toolResultChars, userTurns: shape.userTurns, floor };
  return { ...a, signals: { ...a.signals, agent } };
}
