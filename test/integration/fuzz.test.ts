/**
 * Fuzzing the real server (real Temporal + PostgreSQL), loopback only: random
 * requests to every endpoint of the contract, with random bodies, types and
 * ids, anonymous or signed in; then hostile transport (encodings, charsets,
 * cookies, headers, JSON depth, NUL and invalid Unicode, bad percent-encoding)
 * that the edge must refuse. Never a 5xx; rejected requests write nothing.
 * ZX_FUZZ_REQUESTS sets the total (default 10,000: half bodies, half transport).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import fc from 'fast-check';
import { ENDPOINTS } from '../../server/http/openapi.js';
import { createTestApp, type ApiClient, type TestApp } from '../support/app.js';
import { application } from '../support/demo.js';

const TOTAL = Number(process.env.ZX_FUZZ_REQUESTS ?? 10_000);
const BODY_RUNS = Math.ceil(TOTAL / 2);
const TRANSPORT_RUNS = TOTAL - BODY_RUNS;

let app: TestApp;
let cadre: ApiClient;
let session = { cookie: '', csrf: '' };
let ids: Record<string, string> = {};

const TABLES = [
  'cases',
  'tasks',
  'task_actions',
  'notices',
  'objections',
  'users',
  'user_roles',
  'form_versions',
  'process_versions',
  'parameters',
  'households',
  'department_records',
];
const counts = async () =>
  Object.fromEntries(
    await Promise.all(
      TABLES.map(
        async (t) => [t, (await app.tdb.db.query(`SELECT count(*)::int AS n FROM ${t}`)).rows[0].n] as const,
      ),
    ),
  );

beforeAll(async () => {
  app = await createTestApp();
  cadre = await app.as('cadre.zhushan');
  // a second session of the same person, for the raw transport requests
  const login = await fetch(`${app.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'cadre.zhushan', password: 'zhenxing' }),
  });
  session = {
    cookie: (login.headers.get('set-cookie') ?? '').split(';')[0],
    csrf: (await login.json()).csrfToken,
  };
  const c = await cadre.post('/api/cases', {
    process: 'identification',
    org: 'v-zhushan',
    subject: { id: 'HH-0001' },
    requestId: 'fuzz',
    data: application('HH-0001'),
  });
  ids = {
    case: c.body.id,
    task: (await app.tdb.db.query(`SELECT id FROM tasks WHERE case_id = $1 AND status = 'open'`, [c.body.id]))
      .rows[0].id,
  };
});
afterAll(async () => {
  await app?.close();
});

const json = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string(),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.constantFrom(
      '',
      '430422199001011234',
      '13812345678',
      '../../etc/passwd',
      "' OR 1=1 --",
      '<script>alert(1)</script>',
      'x'.repeat(5000),
      '\u0000',
      '💥',
    ),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(
      fc.constantFrom(
        'requestId',
        'action',
        'data',
        'comment',
        'returnTo',
        'to',
        'content',
        'process',
        'org',
        'subject',
        'key',
        'year',
        'value',
        'items',
        'username',
        'password',
        'definition',
        'document',
        'manifest',
        'cursor',
        'view',
      ),
      tie('value'),
      { maxKeys: 6 },
    ),
  ),
})).value;

it(`answers ${BODY_RUNS} random requests without a server error, and rejected requests change nothing`, async () => {
  // logout would end the shared session; the event stream never ends (tested in api.test.ts)
  const endpoints = ENDPOINTS.filter((e) => e.path !== '/api/auth/logout' && e.path !== '/api/events');
  const request = fc.record({
    e: fc.constantFrom(...endpoints),
    id: fc.oneof(
      fc.constantFrom(ids.case, ids.task, 'HH-0001', 'application', 'identification', 'hunan', '1', 'none'),
      fc.string({ maxLength: 20 }),
    ),
    body: json,
    raw: fc.option(fc.constantFrom('{', '[1,2', 'null', '"str"', '{"a":}', 'not json'), { nil: undefined }),
    signedIn: fc.boolean(),
    query: fc.option(
      fc.dictionary(
        fc.constantFrom(
          'view',
          'cursor',
          'limit',
          'org',
          'process',
          'due',
          'status',
          'from',
          'to',
          'q',
          'version',
        ),
        fc.string({ maxLength: 12 }),
      ),
      { nil: undefined },
    ),
  });
  const samples = fc.sample(request, { numRuns: BODY_RUNS, seed: 20261124 });
  const before = await counts();
  const statuses = new Map<number, number>();
  const failures: string[] = [];
  let succeededWrites = 0;
  const anon = app.anonymous();
  let next = 0;
  const lane = async () => {
    while (next < samples.length) {
      const s = samples[next++];
      const path =
        s.e.path.replace(/\{[^}]+\}/g, () => encodeURIComponent(s.id)) +
        (s.query ? `?${new URLSearchParams(s.query)}` : '');
      const client = s.signedIn ? cadre : anon;
      const r =
        s.e.method === 'get'
          ? await client.get(path)
          : await client.post(path, s.body, s.raw ? { raw: s.raw } : {});
      statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      if (r.status >= 500)
        failures.push(`${s.e.method} ${path} → ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
      if (
        s.e.method === 'post' &&
        r.status < 300 &&
        !['/api/auth/login', '/api/tasks/{id}/draft', '/api/tasks/{id}/claim'].includes(s.e.path)
      )
        succeededWrites++;
    }
  };
  await Promise.all(Array.from({ length: 8 }, lane));
  console.log('fuzz statuses', Object.fromEntries([...statuses].sort()));
  expect(failures.slice(0, 10)).toEqual([]);
  expect([...statuses.values()].reduce((a, b) => a + b, 0)).toBe(BODY_RUNS);
  if (succeededWrites === 0) expect(await counts()).toEqual(before);
}, 600_000);

/** Every table of the database and its row count: a refused request may change none of them, the audit log included. */
const allCounts = async () => {
  const { rows } = await app.tdb.db.query(
    `SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'pgmigrations' ORDER BY tablename`,
  );
  return Object.fromEntries(
    await Promise.all(
      rows.map(
        async ({ tablename: t }) =>
          [t, (await app.tdb.db.query(`SELECT count(*)::int AS n FROM "${t}"`)).rows[0].n] as const,
      ),
    ),
  );
};

// what the edge must refuse, whatever else the request carries
const NON_BODY_FAULTS = ['encoding', 'path', 'query', 'number', 'cookie'] as const;
const BODY_FAULTS = ['deep', 'poison', 'utf8', 'charset', 'malformed'] as const;
type Fault = (typeof NON_BODY_FAULTS)[number] | (typeof BODY_FAULTS)[number];

const badSegment = fc.constantFrom(
  '%E0%A4%A',
  '%ZZ',
  '%C3%28',
  'a%00b',
  '%00',
  '%ED%A0%80',
  '%',
  '%%',
  '%FF%FE',
  '%F0%9F%92',
  'x%u0041',
  '..%2F%00',
);
const badValue = fc.constantFrom('%00', 'a%00', '%E0%A4%A', '%ZZ', '%C3%28', '%ED%A0%80', '%', '%DB', 'x%0');
const badNumber = fc.constantFrom(
  '-1',
  'abc',
  '1e9',
  '99999999999999999',
  '1.5',
  '%201',
  '0x10',
  'NaN',
  'Infinity',
  '-0',
  '1,2',
  '%EF%BC%91',
  '1%00',
);
const poison = fc.constantFrom('\\u0000', 'a\\u0000b', '\\ud800', '\\udfff', 'x\\ud83d', '\\udc00\\ud800');
const transport = fc.record({
  e: fc.constantFrom(...ENDPOINTS),
  primary: fc.nat(),
  extra: fc.subarray([...NON_BODY_FAULTS], { maxLength: 2 }),
  segment: badSegment,
  queryName: fc.constantFrom(
    'org',
    'q',
    'view',
    'cursor',
    'process',
    'filename',
    'from',
    'status',
    '%ZZ',
    'a%00',
  ),
  queryValue: badValue,
  numberName: fc.constantFrom('limit', 'offset', 'before', 'version'),
  number: fc.oneof(badNumber, fc.constant('dup')),
  encoding: fc.constantFrom(
    'gzip',
    'deflate',
    'br',
    'x-custom',
    'gzip, identity',
    'identity, gzip',
    'compress',
    'zstd',
  ),
  sessionValue: fc.constantFrom('%E0%A4%A', '%00', 'a%00b', '%ED%A0%80', '%', 'x%ZZ'),
  cookieNoise: fc.constantFrom('', ';;;', 'a=b', '=x', 'other=%%%', 'zx_lang=zh; ', '  ;  ='),
  depth: fc.constantFrom(33, 64, 1000, 100_000),
  objects: fc.boolean(),
  path: fc.array(
    fc.constantFrom('data', 'members', '0', 'A5', 'content', 'comment', 'items', 'definition', 'roles'),
    { maxLength: 6 },
  ),
  inKey: fc.boolean(),
  poison,
  badBytes: fc.constantFrom(
    [0xc3, 0x28],
    [0xff],
    [0xed, 0xa0, 0x80],
    [0xe0, 0x80, 0xaf],
    [0xf8, 0x88, 0x80, 0x80, 0x80],
    [0xc0, 0xaf],
  ),
  charset: fc.constantFrom('utf-16', 'utf-16le', 'latin1', 'iso-8859-1', 'gbk', 'utf-32', 'ascii'),
  malformed: fc.constantFrom('{', '[1,2', '{"a":}', 'not json', '{"a":1}}', '\u0000', '{"a":"\u0000"}'),
  signedIn: fc.boolean(),
  requestId: fc.constantFrom(
    undefined,
    'ok-1',
    '<script>alert(1)</script>',
    'a'.repeat(300),
    '../../x',
    '%00',
  ),
  csrf: fc.constantFrom(undefined, 'real', 'wrong', '%00'),
  goodQuery: fc.option(
    fc.dictionary(fc.constantFrom('view', 'org', 'process', 'status'), fc.string({ maxLength: 8 }), {
      maxKeys: 2,
    }),
    { nil: undefined },
  ),
});

type TransportSample = typeof transport extends fc.Arbitrary<infer T> ? T : never;

function build(s: TransportSample) {
  const post = s.e.method === 'post';
  const choices: Fault[] = post ? [...NON_BODY_FAULTS, ...BODY_FAULTS] : [...NON_BODY_FAULTS];
  const faults = new Set<Fault>([choices[s.primary % choices.length], ...s.extra]);
  let path = s.e.path.replace(/\{[^}]+\}/g, 'none');
  if (faults.has('path'))
    path = /\{[^}]+\}/.test(s.e.path)
      ? s.e.path.replace(/\{[^}]+\}/, s.segment).replace(/\{[^}]+\}/g, 'none')
      : `${path}/${s.segment}`;
  const query: string[] = s.goodQuery ? [new URLSearchParams(s.goodQuery).toString()].filter(Boolean) : [];
  if (faults.has('query')) query.push(`${s.queryName}=${s.queryValue}`);
  if (faults.has('number'))
    query.push(s.number === 'dup' ? `${s.numberName}=5&${s.numberName}=6` : `${s.numberName}=${s.number}`);
  const headers: Record<string, string> = {};
  const cookies = [s.cookieNoise, s.signedIn ? session.cookie : ''];
  if (faults.has('cookie')) cookies.push(`zx_session=${s.sessionValue}`);
  if (cookies.join('').trim()) headers.cookie = cookies.filter(Boolean).join('; ');
  if (faults.has('encoding')) headers['content-encoding'] = s.encoding;
  if (s.requestId !== undefined) headers['x-request-id'] = s.requestId;
  if (s.csrf !== undefined) headers['x-csrf-token'] = s.csrf === 'real' ? session.csrf : s.csrf;
  let body: string | Blob | undefined;
  if (post) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify({ requestId: 'fuzz-transport', content: '正常的内容' });
    if (faults.has('deep')) {
      body = s.objects
        ? `${'{"a":'.repeat(s.depth)}1${'}'.repeat(s.depth)}`
        : `${'['.repeat(s.depth)}${']'.repeat(s.depth)}`;
    } else if (faults.has('poison')) {
      // a NUL or an unpaired surrogate, as a JSON escape, in a value or a key at some depth
      let v: unknown = s.inKey ? { POISON_KEY: 1 } : 'POISON_VALUE';
      for (const k of [...s.path].reverse()) v = /^\d+$/.test(k) ? [v] : { [k]: v };
      body = JSON.stringify({ requestId: 'fuzz-transport', wrap: v })
        .replace('"POISON_KEY"', `"k${s.poison}"`)
        .replace('"POISON_VALUE"', `"v${s.poison}"`);
    } else if (faults.has('utf8')) {
      body = new Blob([
        Buffer.from('{"requestId":"r","content":"'),
        Buffer.from(s.badBytes),
        Buffer.from('"}'),
      ]);
    } else if (faults.has('charset')) {
      headers['content-type'] = `application/json; charset=${s.charset}`;
    } else if (faults.has('malformed')) {
      body = s.malformed;
    }
  }
  return {
    method: s.e.method.toUpperCase(),
    url: `${app.url}${path}${query.length ? `?${query.join('&')}` : ''}`,
    headers,
    body,
    faults: [...faults],
  };
}

it(`refuses ${TRANSPORT_RUNS} requests with malformed transport with 400/415, never 5xx, and writes nothing`, async () => {
  const samples = fc.sample(transport, { numRuns: TRANSPORT_RUNS, seed: 20261202 });
  const before = await allCounts();
  const statuses = new Map<number, number>();
  const byFault = new Map<string, number>();
  const failures: string[] = [];
  let next = 0;
  const lane = async () => {
    while (next < samples.length) {
      const r = build(samples[next++]);
      for (const f of r.faults) byFault.set(f, (byFault.get(f) ?? 0) + 1);
      let status: number;
      let text: string;
      try {
        const res = await fetch(r.url, {
          method: r.method,
          headers: r.headers,
          body: r.body,
          signal: AbortSignal.timeout(15_000),
        });
        status = res.status;
        text = await res.text();
      } catch (err) {
        status = 0;
        text = String(err);
      }
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      if (status !== 400 && status !== 415)
        failures.push(
          `${r.method} ${r.url.slice(app.url.length, 200)} [${r.faults}] → ${status} ${text.slice(0, 200)}`,
        );
    }
  };
  await Promise.all(Array.from({ length: 8 }, lane));
  console.log(
    'transport fuzz statuses',
    Object.fromEntries([...statuses].sort()),
    'faults',
    Object.fromEntries(byFault),
  );
  expect(failures.slice(0, 10)).toEqual([]);
  expect([...statuses.values()].reduce((a, b) => a + b, 0)).toBe(TRANSPORT_RUNS);
  for (const f of [...NON_BODY_FAULTS, ...BODY_FAULTS])
    expect(byFault.get(f) ?? 0, f).toBeGreaterThan(TRANSPORT_RUNS / 100);
  expect(await allCounts()).toEqual(before);
  // the server is still well: a normal read answers
  expect((await cadre.get('/api/tasks')).status).toBe(200);
}, 600_000);
