/** Demo data the API tests use: households, valid application and collection documents. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';
import { idCheckDigit } from '../../forms/formats.js';
import { ROOT } from '../../server/config.js';

export const households: {
  id: string;
  org: string;
  headName: string;
  headIdNumber: string;
  members: { name: string; idNumber: string; relation: string }[];
}[] = JSON.parse(readFileSync(join(ROOT, 'forms/packs/hunan/demo/households.json'), 'utf8'));

export function household(id: string) {
  return households.find((h) => h.id === id)!;
}

export function application(hid: string, extra: Record<string, unknown> = {}) {
  const h = household(hid);
  return {
    name: h.headName,
    idNumber: h.headIdNumber,
    phone: '13812345678',
    address: {
      city: '衡阳市',
      county: '衡南县',
      township: '云集街道',
      village: '竹山村',
      group: '第一村民小组',
    },
    householdSize: h.members.length,
    channel: 'self',
    riskReasons: ['06'],
    statement: '家中主要劳动力患病，医疗支出较大',
    filedBy: 'self',
    pledge: true,
    authorisation: true,
    signDate: '2026-11-24',
    ...extra,
  };
}

export function collection(
  hid: string,
  income: Partial<Record<'A28' | 'A29' | 'A30' | 'A31' | 'A32' | 'A35' | 'A36', number>> = {},
) {
  const h = household(hid);
  return {
    A1: false,
    A3: '2',
    A4: false,
    members: h.members.map((m) => ({
      A5: m.name,
      A7: m.idNumber,
      A8: m.relation,
      A9: '01',
      A10: '06',
      A11: '03',
      A12: '00',
      A13: '01',
      A14: '01',
      A15: '01',
      A16: 6,
      A17: '01',
      A18: '01',
      A19: '01',
      A20: '02',
      A21: '02',
      A22: '02',
    })),
    A23: '02',
    A24: '02',
    A25: '02',
    A27: ['01'],
    A28: 12000,
    A29: 3000,
    A30: 0,
    A31: 1200,
    A32: 800,
    A35: 0,
    A36: 5000,
    // 附件2 stages 2 and 3 (ignored at identification): every field present, none left empty (line 2577)
    A39: [],
    A40: ['03'],
    A41: [],
    A42: [],
    A43: [],
    A44: false,
    A45: ['01'],
    A46: [],
    A47: [],
    A48: [],
    A49: [],
    A50: false,
    A51: false,
    A52: false,
    A53: '1',
    A54: '2026-12-01',
    A55: { name: '周联系', phone: '13900001111' },
    ...income,
  };
}

const orgs: { id: string; parent: string | null; level: string }[] = JSON.parse(
  readFileSync(join(ROOT, 'forms/packs/hunan/demo/orgs.json'), 'utf8'),
);

/** Who acts for a household: its village, township and their demo users. */
export function peopleOf(hid: string) {
  const village = household(hid).org;
  const township = orgs.find((o) => o.id === village)!.parent!;
  const v = village.replace(/^v-/, '');
  const t = township.replace(/^t-/, '');
  return {
    village,
    township,
    cadre: `cadre.${v}`,
    secretary: `secretary.${v}`,
    verifiers: [`verifier1.${t}`, `verifier2.${t}`],
    township_reviewers: [`sec.${t}`, `head.${t}`],
  };
}

/**
 * A procedure starts only for households in the statuses it applies to (identification: not
 * monitored; elimination and assessments: monitored). The demo county has some households
 * 监测中 already; a scenario that walks a procedure for one of them first records the status
 * the scenario needs, in plain sight.
 */
export async function setDemoStatus(
  db: pg.Pool,
  status: 'none' | 'monitored',
  ...ids: string[]
): Promise<void> {
  await db.query(
    `UPDATE households SET monitoring_status = $1, monitored_since = CASE WHEN $1 = 'monitored' THEN COALESCE(monitored_since, '2025-06-01') END
      WHERE id = ANY($2)`,
    [status, ids],
  );
}

/** 村级民主评议 the village review's form: three present, all for; `minutes` as the meeting recorded them. */
export function villageReview(minutes = '逐户评议，符合纳入条件', meetingDate = '2026-11-25') {
  return {
    meetingDate,
    attendees: [
      { name: '甲', role: '驻村干部' },
      { name: '乙', role: '村两委' },
      { name: '丙', role: '党员代表' },
    ],
    votesFor: 3,
    votesAgainst: 0,
    votesAbstain: 0,
    result: 'passed',
    minutes,
  };
}

/** a leader's signed opinion (会签) on a township or county step */
export const signedOpinion = (signer: string, signDate = '2026-12-05') => ({
  opinion: '同意',
  signer,
  signDate,
});

/** 附件3 as the county approves an identification: every earlier signature, the county's opinion as given */
export function identificationApproval(countyOpinion: string, extra: { monitoringType?: string } = {}) {
  return {
    verification: { opinion: '经入户核实情况属实', signer: '王核实', date: '2026-11-26' },
    villageReview: { opinion: '村级评议通过', signer: '李书记', date: '2026-11-27' },
    townshipReview: { opinion: '同意上报', signer: '刘书记', signer2: '张镇长', date: '2026-12-05' },
    countyApproval: { opinion: countyOpinion, signer: '周局长', date: '2026-12-06', sealed: true },
    ...extra,
  };
}

/** a valid resident ID (GB 11643) of 衡南县 (430422), born on `birth` (YYYYMMDD), with sequence number `seq` */
export function demoResidentId(birth: string, seq: number): string {
  const first = `430422${birth}${String(seq).padStart(3, '0')}`;
  return first + idCheckDigit(first);
}

/** what the verifiers add on site to each member of 附件2 (the registry holds the rest) */
export const ON_SITE_MEMBER = {
  A9: '01',
  A10: '06',
  A11: '03',
  A12: '00',
  A15: '01',
  A16: 6,
  A17: '01',
  A18: '01',
  A19: '01',
  A20: '02',
  A21: '02',
  A22: '02',
};
