'use client';
import type { ReactNode } from 'react';

/** A labelled control with its error right below it (linked by aria-describedby). */
export function Field({ id, label, error, children, hint, className }: { id: string; label: string; error?: string; children: ReactNode; hint?: string; className?: string }) {
  return (
    <div className={`field ${className ?? ''}`}>
      <label htmlFor={id}>{label}</label>
      {children}
      {hint && !error && <span className="small muted">{hint}</span>}
      {error && (
        <span className="field-error" id={`${id}-error`} role="alert">
          {error}
        </span>
      )}
    </div>
  );
}

/** Props wiring a control to its Field's error. */
export function invalid(id: string, error?: string) {
  return error ? { 'aria-invalid': true as const, 'aria-describedby': `${id}-error` } : {};
}
