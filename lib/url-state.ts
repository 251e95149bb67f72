'use client';
// Filters live in the URL so a view can be bookmarked and shared. setParams merges a patch and
// drops empty values; changing a filter resets paging cursors.
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useCallback, useMemo } from 'react';

const CURSORS = ['after', 'before'];

export function useUrlParams(): [Record<string, string>, (patch: Record<string, string | null | undefined>) => void] {
  const sp = useSearchParams();
  const router = useRouter();
  const path = usePathname();
  const params = useMemo(() => Object.fromEntries(sp?.entries() ?? []), [sp]);
  const setParams = useCallback(
    (patch: Record<string, string | null | undefined>) => {
      const next = new URLSearchParams(sp?.toString() ?? '');
      const pagingOnly = Object.keys(patch).every((k) => CURSORS.includes(k));
      if (!pagingOnly) for (const c of CURSORS) next.delete(c);
      for (const [k, v] of Object.entries(patch)) {
        if (v === null || v === undefined || v === '') next.delete(k);
        else next.set(k, v);
      }
      const qs = next.toString();
      router.replace(qs ? `${path}?${qs}` : path, { scroll: false });
    },
    [sp, router, path],
  );
  return [params, setParams];
}

/** Triggers a browser download of text content. */
export function downloadText(filename: string, text: string, type = 'text/csv;charset=utf-8'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
