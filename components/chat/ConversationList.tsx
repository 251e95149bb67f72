'use client';
import { useState } from 'react';
import type { Conversation } from './conversations';

/** The conversations of this browser: start a new one, switch, rename, delete. */
export function ConversationList<T>({ items, currentId, busy, onNew, onSelect, onRename, onDelete }: {
  items: Conversation<T>[];
  currentId: string;
  busy: boolean;
  onNew(): void;
  onSelect(id: string): void;
  onRename(id: string, title: string): void;
  onDelete(id: string): void;
}) {
  const [editing, setEditing] = useState<string | null>(null);
  const [title, setTitle] = useState('');
  return (
    <aside className="panel conversations" aria-label="Conversations">
      <button type="button" onClick={onNew} disabled={busy} title="A fresh conversation: earlier questions are not sent along">
        New conversation
      </button>
      <ul>
        {items.map((c) => (
          <li key={c.id} aria-current={c.id === currentId ? 'true' : undefined}>
            {editing === c.id ? (
              <form
                className="row"
                onSubmit={(e) => {
                  e.preventDefault();
                  onRename(c.id, title);
                  setEditing(null);
                }}
              >
                <label className="sr-only" htmlFor={`rename-${c.id}`}>New name</label>
                <input id={`rename-${c.id}`} value={title} onChange={(e) => setTitle(e.target.value)} autoFocus maxLength={80} />
                <button type="submit" className="secondary">Save</button>
              </form>
            ) : (
              <>
                <button type="button" className="ghost title" disabled={busy} onClick={() => onSelect(c.id)} title={c.title}>
                  {c.title}
                </button>
                <span className="actions">
                  <button type="button" className="ghost small" aria-label={`Rename ${c.title}`} onClick={() => { setEditing(c.id); setTitle(c.title); }}>
                    Rename
                  </button>
                  <button
                    type="button"
                    className="ghost small"
                    aria-label={`Delete ${c.title}`}
                    disabled={busy}
                    onClick={() => {
                      if (c.turns.length === 0 || window.confirm(`Delete "${c.title}"? It is kept only in this browser.`)) onDelete(c.id);
                    }}
                  >
                    Delete
                  </button>
                </span>
              </>
            )}
          </li>
        ))}
      </ul>
      <p className="small muted">Kept in this browser only.</p>
    </aside>
  );
}
