// CASCADE_WORKERS > 1 refuses to start without what the workers must share.
import { describe, expect, it } from 'vitest';
import { loadEnv } from '../env';
import { clusterProblem } from './cluster';

describe('CASCADE_WORKERS', () => {
  it('needs REDIS_URL and DATABASE_URL for more than one worker, and says which is missing', () => {
    expect(clusterProblem(loadEnv({ CASCADE_WORKERS: '1' }))).toBeNull();
    expect(clusterProblem(loadEnv({ CASCADE_WORKERS: '2', DATABASE_URL: 'postgresql://x@h/db' }))).toMatch(/needs REDIS_URL/);
    expect(clusterProblem(loadEnv({ CASCADE_WORKERS: '2', REDIS_URL: 'redis://h:6379' }))).toMatch(/needs DATABASE_URL/);
    expect(clusterProblem(loadEnv({ CASCADE_WORKERS: '2', REDIS_URL: 'redis://h:6379', DATABASE_URL: 'postgresql://x@h/db' }))).toBeNull();
    expect(() => loadEnv({ CASCADE_WORKERS: '0' })).toThrow(/CASCADE_WORKERS/);
  });
});
