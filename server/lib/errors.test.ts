// Two copies of the errors module in one process (the runtime's and Next's bundle) must agree on
// what a DomainError is, or domain failures thrown by the runtime turn into 500s in tRPC.
import { describe, expect, it } from 'vitest';
import { DomainError } from './errors';

describe('DomainError across module copies', () => {
  it('is recognised by instanceof from another copy of the module, subclasses by their own name', async () => {
    const copy = './errors.ts?another-copy'; // a query makes the loader evaluate the module a second time
    const other = (await import(/* @vite-ignore */ copy)) as typeof import('./errors');
    expect(other.DomainError).not.toBe(DomainError);
    const theirs = new other.DomainError('conflict', 'from the other copy', { issues: [{ path: 'x', message: 'm' }] });
    expect(theirs instanceof DomainError).toBe(true);
    expect(new DomainError('not_found', 'ours') instanceof other.DomainError).toBe(true);
    class FeedbackError extends DomainError {}
    class HttpError extends DomainError {}
    const f = new FeedbackError('not_found', 'f');
    expect(f instanceof FeedbackError).toBe(true);
    expect(f instanceof HttpError).toBe(false);
    expect(theirs instanceof HttpError).toBe(false);
    expect(new Error('plain') instanceof DomainError).toBe(false);
    expect(Object.assign(new Error('duck'), { code: 'conflict' }) instanceof DomainError).toBe(false);
  });
});
