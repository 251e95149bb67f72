// Chat conversations, kept in the browser (localStorage, per signed-in user): several threads, each
// with its own history, so a question asked again in a new conversation is a fresh question (and
// can come from the cache) instead of a follow-up. Pure state functions plus a small hook.
import { useCallback, useEffect, useRef, useState } from 'react';

export interface Conversation<T> {
  id: string;
  title: string;
  /** Set by a rename: the title no longer follows the first question. */
  named: boolean;
  turns: T[];
  updatedAt: number;
}

export interface Conversations<T> {
  items: Conversation<T>[];
  currentId: string;
}

const newId = () => `c${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
export const UNTITLED = 'New conversation';

export function emptyConversation<T>(now = Date.now()): Conversation<T> {
  return { id: newId(), title: UNTITLED, named: false, turns: [], updatedAt: now };
}

export function initial<T>(): Conversations<T> {
  const c = emptyConversation<T>();
  return { items: [c], currentId: c.id };
}

/** A new, empty conversation becomes current (an existing empty one is reused instead of piling up). */
export function create<T>(s: Conversations<T>, now = Date.now()): Conversations<T> {
  const empty = s.items.find((c) => c.turns.length === 0);
  if (empty) return { ...s, currentId: empty.id };
  const c = emptyConversation<T>(now);
  return { items: [c, ...s.items], currentId: c.id };
}

export function select<T>(s: Conversations<T>, id: string): Conversations<T> {
  return s.items.some((c) => c.id === id) ? { ...s, currentId: id } : s;
}

export function rename<T>(s: Conversations<T>, id: string, title: string): Conversations<T> {
  const t = title.trim().slice(0, 80);
  if (!t) return s;
  return { ...s, items: s.items.map((c) => (c.id === id ? { ...c, title: t, named: true } : c)) };
}

/** Deleting the current conversation moves to the next one; deleting the last leaves one empty conversation. */
export function remove<T>(s: Conversations<T>, id: string): Conversations<T> {
  const items = s.items.filter((c) => c.id !== id);
  if (items.length === 0) return initial<T>();
  return { items, currentId: s.currentId === id ? items[0].id : s.currentId };
}

/** Changes one conversation's turns; its title follows its first question until renamed. */
export function setTurns<T extends { role: string; text: string }>(s: Conversations<T>, id: string, f: (turns: T[]) => T[], now = Date.now()): Conversations<T> {
  return {
    ...s,
    items: s.items.map((c) => {
      if (c.id !== id) return c;
      const turns = f(c.turns);
      const first = turns.find((t) => t.role === 'user')?.text.trim();
      const title = c.named || !first ? c.title : first.length > 48 ? `${first.slice(0, 47)}…` : first;
      return { ...c, turns, title, updatedAt: now };
    }),
  };
}

/** The state in localStorage under `key`, saved when `save` allows (not on every streamed token). */
export function useConversations<T extends { role: string; text: string }>(key: string, save: boolean) {
  const [state, setState] = useState<Conversations<T>>(() => initial<T>());
  const loaded = useRef(false);
  useEffect(() => {
    try {
      const raw = window.localStorage.getItem(key);
      const parsed = raw ? (JSON.parse(raw) as Conversations<T>) : null;
      if (parsed?.items?.length) setState(parsed);
    } catch {
      // unreadable storage: start fresh
    }
    loaded.current = true;
  }, [key]);
  useEffect(() => {
    if (!loaded.current || !save) return;
    try {
      window.localStorage.setItem(key, JSON.stringify(state));
    } catch {
      // full or disabled storage: conversations live for this page only
    }
  }, [key, state, save]);
  const update = useCallback((f: (s: Conversations<T>) => Conversations<T>) => setState(f), []);
  const current = state.items.find((c) => c.id === state.currentId) ?? state.items[0];
  return { state, current, update };
}
