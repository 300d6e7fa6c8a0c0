/** A small county for engine tests: two townships, three villages, people in every role. */
import type pg from 'pg';
import { upsertOrgs, upsertUser } from '../../server/services/directory.js';

export const ORGS = [
  { id: 'hn', level: 'province', name: '湖南省' },
  { id: 'hy', parent: 'hn', level: 'city', name: '衡阳市' },
  { id: 'hn-k1', parent: 'hy', level: 'county', name: '衡南县' },
  { id: 'hn-t1', parent: 'hn-k1', level: 'township', name: '云集镇' },
  { id: 'hn-t2', parent: 'hn-k1', level: 'township', name: '花桥镇' },
  { id: 'hn-v1', parent: 'hn-t1', level: 'village', name: '竹山村' },
  { id: 'hn-v2', parent: 'hn-t1', level: 'village', name: '和平村' },
  { id: 'hn-v3', parent: 'hn-t2', level: 'village', name: '花桥村' },
] as const;

export const PEOPLE = [
  { username: 'cadre1', name: '李村干', roles: [{ role: 'village_cadre', org: 'hn-v1' }] },
  { username: 'cadre3', name: '赵村干', roles: [{ role: 'village_cadre', org: 'hn-v3' }] },
  { username: 'ver1', name: '王核实', roles: [{ role: 'verifier', org: 'hn-t1' }] },
  { username: 'ver2', name: '陈核实', roles: [{ role: 'verifier', org: 'hn-t1' }] },
  { username: 'sec1', name: '刘书记', roles: [{ role: 'township_reviewer', org: 'hn-t1' }] },
  { username: 'head1', name: '张镇长', roles: [{ role: 'township_reviewer', org: 'hn-t1' }] },
  { username: 'bureau1', name: '周局长', roles: [{ role: 'county_rural_bureau', org: 'hn-k1' }] },
  { username: 'fin1', name: '吴财政', roles: [{ role: 'county_finance', org: 'hn-k1' }] },
  { username: 'ind1', name: '郑农业', roles: [{ role: 'county_industry_dept', org: 'hn-k1' }] },
  { username: 'lead1', name: '孙组长', roles: [{ role: 'county_leading_group', org: 'hn-k1' }] },
  { username: 'admin', name: '县管理员', roles: [{ role: 'admin', org: 'hn-k1' }] },
];

export async function seedOrgFixture(db: pg.Pool): Promise<void> {
  await upsertOrgs(
    db,
    ORGS.map((o) => ({ ...o })),
  );
  for (const p of PEOPLE) await upsertUser(db, { ...p, password: 'zhenxing' });
}
