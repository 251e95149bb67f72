// Where CLI commands connect: an explicit URL, else DATABASE_URL, else a live server's embedded
// database (its process file), else nothing (the command opens the embedded folder itself).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliDatabaseUrl, runningServerDatabase, writeProcessFile } from './process-file';

describe('cliDatabaseUrl', () => {
  it('prefers --url, then DATABASE_URL, then the running server, then none', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cascade-pf-'));
    expect(cliDatabaseUrl(undefined, { CASCADE_DATA_DIR: dir })).toBeUndefined();
    const remove = writeProcessFile(dir, 'postgresql://postgres@127.0.0.1:5999/postgres');
    expect(cliDatabaseUrl(undefined, { CASCADE_DATA_DIR: dir })).toBe('postgresql://postgres@127.0.0.1:5999/postgres');
    expect(cliDatabaseUrl(undefined, { CASCADE_DATA_DIR: dir, DATABASE_URL: 'postgresql://env/db' })).toBe('postgresql://env/db');
    expect(cliDatabaseUrl('postgresql://flag/db', { CASCADE_DATA_DIR: dir, DATABASE_URL: 'postgresql://env/db' })).toBe('postgresql://flag/db');
    remove();
    expect(runningServerDatabase(dir)).toBeNull();
  });

  it('ignores the process file of a server that is gone', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cascade-pf-'));
    writeFileSync(join(dir, 'server.json'), JSON.stringify({ pid: 2 ** 22 + 12345, databaseUrl: 'postgresql://stale/db' }));
    expect(cliDatabaseUrl(undefined, { CASCADE_DATA_DIR: dir })).toBeUndefined();
  });
});
