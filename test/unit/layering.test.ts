/**
 * 分层 the server's room rules, checked on the source: `server/http` parses, calls one service and answers
 * (no SQL, no transaction, no audit write); services never import `server/http`; no hand-written
 * BEGIN/ROLLBACK; one region rule; every route is in the OpenAPI document (declared routes by construction;
 * the legacy table keeps only /metrics).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DECLARED_ROUTES, ENDPOINTS, LEGACY_ENDPOINTS } from '../../server/http/openapi.js';

const ROOT = join(import.meta.dirname, '..', '..');
const filesIn = (dir: string): string[] =>
  readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesIn(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
const source = (file: string) => readFileSync(join(ROOT, file), 'utf8');

describe('server/http is a thin adapter', () => {
  const files = filesIn('server/http');

  it.each(files)('%s has no SQL, transaction or audit write', (file) => {
    const text = source(file);
    expect(text).not.toMatch(/\bquery\(/);
    expect(text).not.toMatch(/\binTransaction\b/);
    expect(text).not.toMatch(/\b(BEGIN|ROLLBACK|COMMIT)\b/);
    expect(text).not.toMatch(/\bappendAudit\b/);
  });

  it.each(files.filter((f) => !f.endsWith('/metrics.ts')))(
    '%s registers no route except through a declaration',
    (file) => {
      // metrics.ts serves /metrics for the scraper (documented in the legacy table)
      expect(source(file)).not.toMatch(/\b(r|router|app)\.(get|post|put|patch|delete)\(/);
    },
  );
});

describe('services know nothing of HTTP', () => {
  it.each(filesIn('server/services'))('%s does not import server/http', (file) => {
    expect(source(file)).not.toMatch(/from '\.\.\/http\//);
  });

  it('no module outside server/http imports server/http, except the app that mounts it', () => {
    const outside = [...filesIn('server'), ...filesIn('activities'), ...filesIn('workflows')].filter(
      (f) => !f.startsWith('server/http/') && f !== 'server/app.ts',
    );
    expect(outside.filter((f) => /from '(\.\.?\/)+(server\/)?http\//.test(source(f)))).toEqual([]);
  });
});

describe('one way to do each thing', () => {
  it('writes no BEGIN/ROLLBACK by hand: inTransaction (server/db.ts) is the one transaction', () => {
    const hand = filesIn('server')
      .filter((f) => f !== 'server/db.ts')
      .filter((f) => /query\(\s*'(BEGIN|COMMIT|ROLLBACK)'/.test(source(f)));
    expect(hand).toEqual([]);
  });

  it('writes the region rule once (services/principal.ts: canSee, regionOf, IN_REGION)', () => {
    const copies = filesIn('server')
      .filter((f) => f !== 'server/services/principal.ts')
      .filter((f) => /\['security_admin',\s*'auditor'\]\.includes/.test(source(f)));
    expect(copies).toEqual([]);
  });

  it('matches a region in SQL only through IN_REGION (no hand-written `org_path && $1::text[]`)', () => {
    const copies = [...filesIn('server'), ...filesIn('activities'), ...filesIn('store')]
      .filter((f) => f !== 'store/region.ts')
      .filter((f) => /\bpath\s*&&\s*\$\d+/.test(source(f)));
    expect(copies).toEqual([]);
  });

  it('computes next versions in one place (services/versioned.ts publishVersioned)', () => {
    const copies = filesIn('server')
      .filter((f) => f !== 'server/services/versioned.ts')
      .filter(
        (f) => /COALESCE\(max\(version\), 0\)/.test(source(f)) && !/household_collections/.test(source(f)),
      );
    expect(copies).toEqual([]);
  });
});

describe('every route is in the OpenAPI document', () => {
  it('declares each method and path once', () => {
    const keys = ENDPOINTS.map((e) => `${e.method} ${e.path}`);
    expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
    for (const d of DECLARED_ROUTES) expect(Boolean(d.handler) !== Boolean(d.send), d.path).toBe(true);
  });

  it('leaves no /api route in the legacy table (every API route is declared)', () => {
    // only /metrics (metrics.ts, for the scraper, outside /api) is registered the old way
    expect(LEGACY_ENDPOINTS.filter((e) => e.path.startsWith('/api/')).map((e) => e.path)).toEqual([]);
    expect(LEGACY_ENDPOINTS.map((e) => `${e.method} ${e.path}`)).toEqual(['get /metrics']);
  });
});
