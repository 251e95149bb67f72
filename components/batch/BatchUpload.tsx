'use client';
import { useMutation } from '@tanstack/react-query';
import { useState, type ChangeEvent, type FormEvent } from 'react';
import { int } from '@/lib/format';
import { errorText, useTRPC } from '@/lib/trpc';
import { Field, invalid } from '../Field';
import { checkUpload, MAX_BYTES, type UploadCheck } from './upload-check';

const plural = (n: number, noun: string) => `${int(n)} ${noun}${n === 1 ? '' : 's'}`;

/** Upload form: a JSON Lines file checked in the browser with the server's schemas, then batch.create. */
export function BatchUpload({ onCreated }: { onCreated: () => void }) {
  const trpc = useTRPC();
  const [text, setText] = useState<string | null>(null);
  const [fileName, setFileName] = useState('');
  const [name, setName] = useState('');
  const [fileError, setFileError] = useState<string | null>(null);
  const [tried, setTried] = useState(false);
  const [keepBadLines, setKeepBadLines] = useState(false);
  // Remounts the file input after an upload, so it no longer shows the file just sent.
  const [inputKey, setInputKey] = useState(0);
  const create = useMutation(trpc.batch.create.mutationOptions({
    onSuccess: () => {
      setText(null);
      setName('');
      setFileName('');
      setTried(false);
      setKeepBadLines(false);
      setInputKey((k) => k + 1);
      onCreated();
    },
  }));
  const check: UploadCheck | null = text === null ? null : checkUpload(name, text, keepBadLines);
  const fileErr = fileError ?? (tried && text === null ? 'choose a file' : check?.fields.lines);
  const nameErr = tried || (check && name !== '') ? check?.fields.name : undefined;

  async function pick(e: ChangeEvent<HTMLInputElement>) {
    const f = e.target.files?.[0];
    setText(null);
    setFileError(null);
    create.reset();
    if (!f) return;
    if (f.size > MAX_BYTES) return setFileError(`the file is ${(f.size / 1e6).toFixed(1)} MB; the limit is ${MAX_BYTES / 1e6} MB`);
    setFileName(f.name);
    if (!name.trim() || name === fileName) setName(f.name);
    setText(await f.text());
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    setTried(true);
    if (!check || Object.keys(check.fields).length > 0) return;
    create.mutate({ name: name.trim(), lines: check.lines });
  }

  return (
    <form className="panel stack" onSubmit={submit} noValidate aria-label="Upload a batch">
      <h2 style={{ margin: 0 }}>New batch</h2>
      <div className="grid grid-2" style={{ alignItems: 'start' }}>
        <Field id="batch-file" label="JSON Lines file" hint={'one request per line: {"prompt": "..."}, {"messages": [...]} or OpenAI batch lines; up to 50,000 lines, 20 MB'} error={fileErr ?? undefined}>
          <input
            key={inputKey}
            id="batch-file"
            type="file"
            accept=".jsonl,.ndjson,.json,application/x-ndjson"
            onChange={pick}
            {...invalid('batch-file', fileErr ?? undefined)}
            {...(fileErr && check?.lineErrors.length ? { 'aria-describedby': 'batch-file-error batch-line-errors' } : {})}
          />
        </Field>
        <Field id="batch-name" label="Job name" error={nameErr}>
          <input id="batch-name" value={name} maxLength={250} onChange={(e) => setName(e.target.value)} {...invalid('batch-name', nameErr)} />
        </Field>
      </div>
      {check && check.lineErrors.length > 0 && (
        <div className="alert" id="batch-line-errors">
          Lines to fix{check.badLines > check.lineErrors.length ? ` (first ${check.lineErrors.length} of ${int(check.badLines)})` : ''}:
          <ul style={{ margin: '4px 0 0' }}>{check.lineErrors.map((er) => <li key={er.line}>line {er.line}: {er.message}</li>)}</ul>
          {check.badLines < check.lines.length && (
            <label className="row small" style={{ marginTop: 8, gap: 6 }}>
              <input type="checkbox" checked={keepBadLines} onChange={(e) => setKeepBadLines(e.target.checked)} />
              Run the {plural(check.lines.length - check.badLines, 'valid line')} anyway; each bad line gets its own error in the results
            </label>
          )}
        </div>
      )}
      {check && Object.keys(check.fields).length === 0 && <div className="notice" role="status">{plural(check.lines.length - check.badLines, 'request')} ready in {fileName}{check.badLines > 0 ? ` (and ${plural(check.badLines, 'bad line')}, reported in the results)` : ''}.</div>}
      <div className="row">
        <button type="submit" disabled={create.isPending}>{create.isPending ? 'Uploading…' : 'Start batch'}</button>
        {create.data && <span className="small muted" role="status">Started {create.data.job.name}.</span>}
      </div>
      {create.error && <div className="alert" role="alert">{errorText(create.error)}</div>}
    </form>
  );
}
