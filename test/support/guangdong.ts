/**
 * 广东省 beside 湖南省 (issue #20): the second province the API and browser tests set up — its division
 * list (广东省 → 汕尾市 → two counties → townships → villages), its accounts, and a small Guangdong pack
 * built from Hunan's levels, roles and opinion form (its own threshold, a sweep form with an extra
 * required field, a 5-day notice).
 */
import { expect } from 'vitest';
import type { PackBundle } from '../../server/services/packs.js';
import type { ApiClient } from './app.js';

/** the password of every Guangdong account the tests make */
export const GD_PASSWORD = 'guangdong-Strong-1';

/** the nodes a Guangdong test acts at (a division's code is its node id) */
export const GD = {
  province: '440000',
  city: '441500',
  county: '441521',
  township: '441521100',
  village: '441521100201',
  /** 陆河县, the second county: nobody works there */
  emptyCounty: '441523',
} as const;

/** the division list, in the order of the file the administrator imports */
export const GD_DIVISIONS = [
  { code: '440000', name: '广东省', parentCode: '', level: '省' },
  { code: '441500', name: '汕尾市', parentCode: '440000', level: '市' },
  { code: '441521', name: '海丰县', parentCode: '441500', level: '县' },
  { code: '441523', name: '陆河县', parentCode: '441500', level: '县' },
  { code: '441521100', name: '海城镇', parentCode: '441521', level: '镇' },
  { code: '441523100', name: '河田镇', parentCode: '441523', level: '镇' },
  { code: '441521100201', name: '东风村', parentCode: '441521100', level: '村' },
  { code: '441523100201', name: '新田村', parentCode: '441523100', level: '村' },
];

/** a division list as the CSV file the administrator uploads */
export function divisionsCsv(
  rows: readonly { code: string; name: string; parentCode: string; level: string }[],
) {
  return [
    '区划代码,名称,上级代码,层级',
    ...rows.map((r) => [r.code, r.name, r.parentCode, r.level].join(',')),
  ].join('\n');
}

/** Imports the whole Guangdong division list (as the administrator). */
export async function importGuangdong(admin: ApiClient): Promise<void> {
  const r = await admin.post('/api/admin/org-tree/import', { csv: divisionsCsv(GD_DIVISIONS) });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
}

/** the Guangdong accounts, each with one role at one node */
export const GD_USERS = {
  cadre: { username: 'gd.cadre', name: '陈海生', role: 'village_cadre', org: GD.village },
  reviewer: { username: 'gd.reviewer', name: '林秀珍', role: 'township_reviewer', org: GD.township },
  county: { username: 'gd.county', name: '黄志强', role: 'county_rural_bureau', org: GD.county },
} as const;

/** Creates Guangdong accounts through the API, as the security administrator `sec`. */
export async function createGuangdongUsers(sec: ApiClient, ...who: (keyof typeof GD_USERS)[]): Promise<void> {
  for (const key of who) {
    const { username, name, role, org } = GD_USERS[key];
    const r = await sec.post('/api/admin/users', {
      username,
      name,
      password: GD_PASSWORD,
      roles: [{ role, org }],
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
  }
}

const t = (zh: string) => ({ zh, en: zh });

/**
 * 广东省防止返贫监测政策包: a sweep (`gd-sweep`) on a copy of Hunan's opinion form with two more required
 * fields (income, coastalRisk); income below the pack's own `gdIncomeThreshold` (8000) opens a 5-day village
 * notice, then the township reviewer approves. `scope` installs it for a node at import (manifest.scope);
 * `calendar: 'working'` counts the notice's days as working days.
 */
export function guangdongPack(
  hunan: Pick<PackBundle, 'manifest' | 'forms'>,
  opts: { scope?: string; calendar?: 'working' } = {},
) {
  const opinion = hunan.forms.find((f) => f.key === 'opinion')!;
  const gdForm = structuredClone(opinion);
  gdForm.key = 'gd-sweep';
  gdForm.title = { zh: '广东省排查记录', en: 'Guangdong sweep record' };
  gdForm.schema.properties.income = { type: 'number', title: '人均纯收入（元）', minimum: 0 };
  gdForm.schema.properties.coastalRisk = { type: 'string', title: '沿海风险（台风、渔业）', minLength: 1 };
  gdForm.schema.required = [...gdForm.schema.required, 'income', 'coastalRisk'];
  gdForm.uiSchema['ui:order'] = [...gdForm.uiSchema['ui:order'], 'income', 'coastalRisk'];
  return {
    manifest: {
      id: 'guangdong',
      version: '2026.1',
      title: t('广东省防止返贫监测政策包'),
      ...(opts.scope ? { scope: opts.scope } : {}),
      levels: hunan.manifest.levels,
      roles: hunan.manifest.roles.filter((r: { key: string }) =>
        ['village_cadre', 'township_reviewer'].includes(r.key),
      ),
      parameters: [
        { key: 'gdIncomeThreshold', title: t('广东省监测收入标准'), values: [{ year: 2026, value: 8000 }] },
      ],
    },
    forms: [gdForm, opinion],
    codelists: [],
    processes: [
      {
        key: 'gd-sweep',
        title: t('广东省集中排查'),
        subject: 'campaign',
        startLevel: 'village',
        starters: ['village_cadre'],
        start: 'sweep',
        steps: [
          {
            id: 'sweep',
            type: 'task',
            title: t('村级排查'),
            form: { key: 'gd-sweep' },
            assignee: { role: 'village_cadre', level: 'village' },
            actions: [{ id: 'submit', kind: 'submit', label: t('提交'), next: 'check' }],
          },
          {
            id: 'check',
            type: 'decision',
            title: t('收入判断'),
            branches: [
              {
                when: { '<': [{ var: 'data.gd-sweep.income' }, { var: 'params.gdIncomeThreshold' }] },
                next: 'notice',
              },
            ],
            otherwise: 'clear',
          },
          {
            id: 'notice',
            type: 'notice',
            title: t('村级公示'),
            level: 'village',
            days: 5,
            ...(opts.calendar ? { calendar: opts.calendar } : {}),
            publish: ['gd-sweep.opinion'],
            next: 'township_check',
            onObjection: 'township_check',
          },
          {
            id: 'township_check',
            type: 'task',
            title: t('乡镇审核'),
            form: { key: 'opinion' },
            assignee: { role: 'township_reviewer', level: 'township' },
            actions: [{ id: 'approve', kind: 'approve', label: t('同意'), next: 'done' }],
          },
          { id: 'done', type: 'end', title: t('纳入'), outcome: 'approved' },
          { id: 'clear', type: 'end', title: t('无风险'), outcome: 'completed' },
        ],
      },
    ],
  };
}
