import { describe, expect, it } from 'vitest';
import { create, initial, remove, rename, select, setTurns, UNTITLED } from './conversations';

type T = { role: string; text: string };
const ask = (text: string) => (ts: T[]) => [...ts, { role: 'user', text }, { role: 'assistant', text: 'ok' }];

describe('chat conversations', () => {
  it('start empty, take their title from the first question, and keep a rename', () => {
    let s = initial<T>();
    expect(s.items).toHaveLength(1);
    expect(s.items[0].title).toBe(UNTITLED);
    s = setTurns(s, s.currentId, ask('What is the capital of France?'));
    expect(s.items[0].title).toBe('What is the capital of France?');
    s = rename(s, s.currentId, '  Geography  ');
    s = setTurns(s, s.currentId, ask('And of Spain?'));
    expect(s.items[0]).toMatchObject({ title: 'Geography', named: true });
    expect(s.items[0].turns).toHaveLength(4);
    expect(rename(s, s.currentId, '   ')).toBe(s);
  });

  it('a new conversation has its own history; an empty one is reused', () => {
    let s = setTurns(initial<T>(), initial<T>().currentId, ask('x'));
    s = setTurns(initial<T>(), '', (t) => t);
    const first = s.currentId;
    s = setTurns(s, first, ask('hello'));
    s = create(s);
    expect(s.currentId).not.toBe(first);
    expect(s.items.find((c) => c.id === s.currentId)!.turns).toEqual([]);
    const again = create(s);
    expect(again.currentId).toBe(s.currentId);
    expect(again.items).toHaveLength(2);
    expect(select(s, first).currentId).toBe(first);
    expect(select(s, 'nope')).toBe(s);
  });

  it('deleting moves to another conversation, and deleting the last leaves an empty one', () => {
    let s = setTurns(initial<T>(), '', (t) => t);
    s = setTurns(s, s.currentId, ask('one'));
    s = create(s);
    s = setTurns(s, s.currentId, ask('two'));
    const two = s.currentId;
    s = remove(s, two);
    expect(s.items).toHaveLength(1);
    expect(s.items[0].title).toBe('one');
    s = remove(s, s.currentId);
    expect(s.items).toHaveLength(1);
    expect(s.items[0].turns).toEqual([]);
  });
});
