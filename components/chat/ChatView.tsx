'use client';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState, type ChangeEvent, type FormEvent, type KeyboardEvent } from 'react';
import { emptyMeta, progressText, streamChat, type AnswerMeta, type ResearchStep } from '@/lib/chat-stream';
import { useTRPC } from '@/lib/trpc';
import { Markdown } from '../Markdown';
import { AnswerMetaBar } from './AnswerMetaBar';
import { ConversationList } from './ConversationList';
import { create, remove, rename, select, setTurns as setConversationTurns, useConversations } from './conversations';
import { Rating } from './Rating';

interface Turn {
  id: number;
  role: 'user' | 'assistant';
  text: string;
  /** An image sent with a user turn (a data URL; only this turn carries it to the model). */
  image?: string;
  meta?: AnswerMeta;
  error?: string;
  streaming?: boolean;
  /** A research answer's preparation, until its first token. */
  progress?: ResearchStep;
}

/** Chat with conversations kept in this browser, per signed-in user (`storageKey`). */
export function ChatView({ storageKey = 'cascade.chat' }: { storageKey?: string }) {
  const [draft, setDraft] = useState('');
  const [image, setImage] = useState<{ url: string; name: string } | null>(null);
  const [imageError, setImageError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const trpc = useTRPC();
  // Images can be attached only when a tier that takes them exists (routing sends them there).
  const vision = useQuery(trpc.tiers.available.queryOptions()).data?.some((t) => t.vision) ?? false;
  const conv = useConversations<Turn>(storageKey, !busy);
  const turns = conv.current.turns;
  const abort = useRef<AbortController | null>(null);
  const bottom = useRef<HTMLDivElement>(null);
  const nextId = useRef(1);

  // Braces matter: newer Chromium returns a Promise from scrollIntoView, and an effect may only return a cleanup.
  useEffect(() => {
    bottom.current?.scrollIntoView({ block: 'end' });
  }, [turns]);
  useEffect(() => () => abort.current?.abort(), []);

  function update(convId: string, id: number, f: (t: Turn) => Turn) {
    conv.update((s) => setConversationTurns(s, convId, (ts) => ts.map((t) => (t.id === id ? f(t) : t))));
  }

  async function send(e?: FormEvent) {
    e?.preventDefault();
    const text = draft.trim();
    if (!text || busy) return;
    const history = turns.filter((t) => !t.error && !t.streaming && t.text.trim()).map((t) => ({ role: t.role, content: t.text }));
    // Turn ids only need to be unique within a conversation: continue after its highest.
    nextId.current = Math.max(nextId.current, ...turns.map((t) => t.id + 1));
    const userTurn: Turn = { id: nextId.current++, role: 'user', text, ...(image ? { image: image.url } : {}) };
    const attached = image?.url;
    const answer: Turn = { id: nextId.current++, role: 'assistant', text: '', meta: emptyMeta(), streaming: true };
    // The answer streams into the conversation it was asked in, even if another one is opened meanwhile.
    const convId = conv.current.id;
    conv.update((s) => setConversationTurns(s, convId, (ts) => [...ts, userTurn, answer]));
    setDraft('');
    setImage(null);
    setBusy(true);
    abort.current = new AbortController();
    try {
      for await (const u of streamChat(text, history, abort.current.signal, attached)) {
        if (u.kind === 'text') update(convId, answer.id, (t) => ({ ...t, text: t.text + u.text }));
        else if (u.kind === 'reset') update(convId, answer.id, (t) => ({ ...t, text: '' }));
        else if (u.kind === 'meta') update(convId, answer.id, (t) => ({ ...t, meta: { ...(t.meta ?? emptyMeta()), ...u.meta } }));
        else if (u.kind === 'progress') update(convId, answer.id, (t) => ({ ...t, progress: u.progress }));
        else update(convId, answer.id, (t) => ({ ...t, error: u.message }));
      }
    } catch (err) {
      if ((err as Error).name !== 'AbortError') update(convId, answer.id, (t) => ({ ...t, error: 'The connection was lost.' }));
    } finally {
      update(convId, answer.id, (t) => ({ ...t, streaming: false }));
      setBusy(false);
    }
  }

  function attach(e: ChangeEvent<HTMLInputElement>) {
    const file = e.target.files?.[0];
    e.target.value = '';
    setImageError(null);
    if (!file) return;
    if (!/^image\/(png|jpeg|gif|webp)$/.test(file.type)) return setImageError('Attach a PNG, JPEG, GIF or WebP image.');
    if (file.size > MAX_IMAGE_BYTES) return setImageError('The image is too large (at most 2 MB).');
    const reader = new FileReader();
    reader.onload = () => setImage({ url: String(reader.result), name: file.name });
    reader.onerror = () => setImageError('The image could not be read.');
    reader.readAsDataURL(file);
  }

  function onKey(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      void send();
    }
  }

  return (
    <div className="chat-layout">
      <ConversationList
        items={conv.state.items}
        currentId={conv.current.id}
        busy={busy}
        onNew={() => conv.update((s) => create(s))}
        onSelect={(id) => conv.update((s) => select(s, id))}
        onRename={(id, title) => conv.update((s) => rename(s, id, title))}
        onDelete={(id) => conv.update((s) => remove(s, id))}
      />
    <div className="chat panel">
      <div className="messages" aria-live="polite" aria-label="Conversation" data-testid="messages">
        {turns.length === 0 && <div className="empty">Ask anything. Simple questions go to a small, cheap model; hard ones to a larger one.</div>}
        {turns.map((t) =>
          t.role === 'user' ? (
            <div key={t.id} className="msg user" data-testid="user-message">
              {t.image && (
                <img src={t.image} alt="Attached image" style={{ display: 'block', maxWidth: 240, maxHeight: 180, borderRadius: 6, marginBottom: 6 }} />
              )}
              {t.text}
            </div>
          ) : (
            <article key={t.id} className="msg assistant" data-testid="assistant-message" aria-busy={t.streaming}>
              {t.error ? (
                <div className="alert" role="alert">{t.error}</div>
              ) : t.text ? (
                <div className={t.streaming ? 'cursor' : undefined}>
                  <Markdown text={t.text} />
                </div>
              ) : t.progress ? (
                <ResearchProgress step={t.progress} />
              ) : (
                <span className="muted cursor">Thinking</span>
              )}
              {t.meta && <AnswerMetaBar meta={t.meta} streaming={!!t.streaming} />}
              {!t.streaming && !t.error && t.meta?.decisionId && <Rating decisionId={t.meta.decisionId} />}
            </article>
          ),
        )}
        <div ref={bottom} />
      </div>
      <form className="composer" onSubmit={send}>
        <label htmlFor="prompt" className="sr-only">
          Message
        </label>
        <textarea id="prompt" placeholder="Message Cascade (Enter to send, Shift+Enter for a new line)" value={draft} onChange={(e) => setDraft(e.target.value)} onKeyDown={onKey} rows={2} />
        {vision && (
          <div className="stack" style={{ gap: 4 }}>
            <label className="secondary button" htmlFor="chat-image" title="Attach an image: the question goes to a tier that takes images">
              {image ? 'Replace image' : 'Attach image'}
            </label>
            <input id="chat-image" type="file" accept="image/png,image/jpeg,image/gif,image/webp" onChange={attach} className="sr-only" aria-label="Attach image" disabled={busy} />
            {image && (
              <span className="small" data-testid="attached-image">
                {image.name}{' '}
                <button type="button" className="ghost" aria-label="Remove the image" onClick={() => setImage(null)}>×</button>
              </span>
            )}
            {imageError && <span className="field-error" role="alert">{imageError}</span>}
          </div>
        )}
        {busy ? (
          <button type="button" className="secondary" onClick={() => abort.current?.abort()}>
            Stop
          </button>
        ) : (
          <button type="submit" disabled={!draft.trim()}>
            Send
          </button>
        )}
      </form>
    </div>
    </div>
  );
}

/** The largest image the chat page attaches (the server takes a little more as a data URL). */
const MAX_IMAGE_BYTES = 2 * 1024 * 1024;

/** Plan, then each sub-question, then the synthesis: one bar over the steps, and what is happening now. */
function ResearchProgress({ step }: { step: ResearchStep }) {
  // plan counts as one step and the synthesis as one, so the bar moves from the start
  const total = step.total + 2;
  const done = step.stage === 'plan' ? 0 : step.stage === 'sub' ? 1 + step.done : total - 1;
  return (
    <div className="stack" style={{ gap: 6 }} data-testid="research-progress">
      <span className="muted cursor">{progressText(step)}</span>
      <div className="progress" role="progressbar" aria-label="Research progress" aria-valuemin={0} aria-valuemax={total} aria-valuenow={done} style={{ maxWidth: 320 }}>
        <div style={{ width: `${(done / total) * 100}%` }} />
      </div>
    </div>
  );
}
