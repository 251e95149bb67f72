import { describe, expect, it } from 'vitest';
import { AnswerMemory } from './answers';

describe('AnswerMemory', () => {
  it('keeps the most recently used answers within its byte budget', () => {
    // Each 100-character answer counts 264 bytes (two a character plus 64): three fit in 800.
    const m = new AnswerMemory(800);
    const text = (c: string) => c.repeat(100);
    m.set('a', text('a'));
    m.set('b', text('b'));
    m.set('c', text('c'));
    expect(m.size).toBe(3);
    expect(m.get('a')).toBe(text('a')); // now the most recent: 'b' is the oldest
    m.set('d', text('d'));
    expect(m.get('b')).toBeUndefined();
    expect([m.get('a'), m.get('c'), m.get('d')]).toEqual([text('a'), text('c'), text('d')]);
    expect(m.heldBytes).toBe(3 * 264);
  });

  it('replaces, deletes and clears with the byte count kept exact', () => {
    const m = new AnswerMemory(10_000);
    m.set('x', 'short');
    m.set('x', 'a longer answer');
    expect(m.get('x')).toBe('a longer answer');
    expect(m.heldBytes).toBe('a longer answer'.length * 2 + 64);
    m.delete('x');
    m.delete('never stored');
    expect(m.heldBytes).toBe(0);
    m.set('y', 'y');
    m.clear();
    expect([m.size, m.heldBytes]).toEqual([0, 0]);
  });

  it('does not hold an answer larger than the whole budget, nor evict others for it', () => {
    const m = new AnswerMemory(1_000);
    m.set('small', 'ok');
    m.set('huge', 'z'.repeat(10_000));
    expect(m.get('huge')).toBeUndefined();
    expect(m.get('small')).toBe('ok');
  });
});
