// Previews are shown in the console to analysts: keep secrets and personal data out of them.
// Runs on every prompt, on the request path, so its cost must not depend on how the text is shaped:
// the scanners are linear (scanners.ts) and only the head of the text, enough to fill a preview
// even when everything in it is redacted, is looked at.
import { findBlobs, findEmails, findPhoneNumbers, findPrefixedKeys, replaceSpans, type Span } from './scanners';

/**
 * How much of a prompt is redacted and previewed. A secret that starts inside the window and runs past
 * it is still redacted (every pattern matches on its first characters); one that starts beyond it is
 * never shown anyway.
 */
export const PREVIEW_WINDOW = 16_384;

const REDACTIONS: [(t: string) => Span[], string][] = [
  [findEmails, '[email]'],
  [findPrefixedKeys, '[secret]'],
  [findBlobs, '[secret]'],
  [findPhoneNumbers, '[number]'],
];

export function redactPreview(text: string, max = 280): string {
  let t = text.slice(0, PREVIEW_WINDOW).replace(/\s+/g, ' ').trim();
  for (const [find, sub] of REDACTIONS) t = replaceSpans(t, find(t), sub);
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}
