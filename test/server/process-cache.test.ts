/**
 * Published process definitions are read once per (key, version) (server/services/definitions.ts): a
 * version never changes, so the cache is never invalidated, yet a newly published version is seen at once
 * and two databases never share an entry.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latestProcess, processVersion } from '../../server/services/catalog.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

let a: TestDatabase;
let b: TestDatabase;
beforeAll(async () => {
  [a, b] = await Promise.all([createTestDatabase(), createTestDatabase()]);
});
afterAll(async () => {
  await Promise.all([a?.drop(), b?.drop()]);
});

const publish = (t: TestDatabase, version: number, title: string, status = 'published') =>
  t.db.query(
    `INSERT INTO process_versions (key, version, status, definition) VALUES ('cache-demo', $1, $2, $3)`,
    [version, status, JSON.stringify({ key: 'cache-demo', title: { zh: title }, steps: [] })],
  );

describe('process definitions per version', () => {
  it('reads a version once and hands out the same frozen definition', async () => {
    await publish(a, 1, '一');
    const first = await processVersion(a.db, 'cache-demo', 1);
    expect(first?.title.zh).toBe('一');
    expect(await processVersion(a.db, 'cache-demo', 1)).toBe(first);
    expect(await latestProcess(a.db, 'cache-demo')).toBe(first);
    expect(Object.isFrozen(first!.title)).toBe(true);
  });

  it('sees a newly published version at once, and not a draft', async () => {
    await publish(a, 2, '二');
    await publish(a, 3, '草稿', 'draft');
    expect((await latestProcess(a.db, 'cache-demo'))?.version).toBe(2);
    expect((await latestProcess(a.db, 'cache-demo'))?.title.zh).toBe('二');
  });

  it('keeps each database apart, and does not remember a version that did not exist yet', async () => {
    expect(await processVersion(b.db, 'cache-demo', 1)).toBeUndefined();
    await publish(b, 1, '乙');
    expect((await processVersion(b.db, 'cache-demo', 1))?.title.zh).toBe('乙');
    expect((await processVersion(a.db, 'cache-demo', 1))?.title.zh).toBe('一');
  });
});
