'use client';
import { useMutation } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { RATING_REASONS, type RatingReason } from '@/server/feedback/schema';
import { errorText, useTRPC } from '@/lib/trpc';
import { Thumb } from './Thumb';

/** Thumbs up / down for one answer; a thumbs down asks for a reason before it is sent. */
export function Rating({ decisionId }: { decisionId: string }) {
  const id = useId();
  const [choice, setChoice] = useState<'up' | 'down' | null>(null);
  const [reason, setReason] = useState<RatingReason | ''>('');
  const [sent, setSent] = useState<'up' | 'down' | null>(null);
  const trpc = useTRPC();
  const rate = useMutation(trpc.feedback.rate.mutationOptions({ onSuccess: (_d, v) => setSent(v.rating === 'up' || v.rating === 1 ? 'up' : 'down') }));

  const send = (rating: 'up' | 'down', why?: RatingReason | '') => rate.mutate({ decisionId, rating, reason: why || undefined });

  return (
    <div>
      <div className="row" role="group" aria-label="Rate this answer">
        <button
          type="button"
          className="ghost"
          aria-pressed={sent === 'up'}
          aria-label="Good answer"
          disabled={rate.isPending}
          onClick={() => {
            setChoice('up');
            send('up');
          }}
        >
          <Thumb />
        </button>
        <button type="button" className="ghost" aria-pressed={sent === 'down' || choice === 'down'} aria-label="Bad answer" disabled={rate.isPending} onClick={() => setChoice('down')}>
          <Thumb down />
        </button>
        {sent && <span className="small muted" role="status">Thanks, rating saved.</span>}
        {rate.error && <span className="field-error" role="alert">{errorText(rate.error)}</span>}
      </div>
      {choice === 'down' && sent !== 'down' && (
        <form
          className="rate-reason"
          onSubmit={(e) => {
            e.preventDefault();
            send('down', reason);
          }}
        >
          <label htmlFor={`${id}-reason`} className="small" style={{ margin: 0 }}>
            What was wrong?
          </label>
          <select id={`${id}-reason`} value={reason} onChange={(e) => setReason(e.target.value as RatingReason | '')}>
            <option value="">choose a reason</option>
            {RATING_REASONS.map((r) => (
              <option key={r} value={r}>
                {r.replace('_', ' ')}
              </option>
            ))}
          </select>
          <button type="submit" className="secondary" disabled={rate.isPending}>
            Send
          </button>
        </form>
      )}
    </div>
  );
}
