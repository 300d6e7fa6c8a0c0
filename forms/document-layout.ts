/**
 * 文书版式 the one layout definition of a case document. The print view (web/src/pages/PrintView.tsx) and
 * the PDF (server/documents/pdf.ts) both draw what `documentLayout` returns, so they cannot drift: the
 * paper form's sections in the paper's order, label/value rows, repeating rows as a table (its header
 * repeats on every page), opinion blocks with their signers (handwritten signatures as images), the seal
 * box, and the sheet's orientation. Pure code (no node modules), so the web app may import its types.
 */
import { showValue, type LabelledSchema } from './labels.js';

export type LayoutSchema = LabelledSchema & {
  title?: string;
  type?: string | string[];
  format?: string;
  properties?: Record<string, LayoutSchema>;
  items?: LayoutSchema;
};

/** a cell: text, and the attachment ids of images (handwritten signatures, photos) drawn after it */
export interface LayoutValue {
  text: string;
  images?: string[];
}

export interface LayoutSigner {
  /** the line on the paper form, e.g. 乡镇长（街道主任）（签字） */
  label: string;
  name: string;
  /** the handwritten signature (attachment id), when one was given */
  signature?: string;
}

export type LayoutBlock =
  | { kind: 'fields'; key: string; title?: string; rows: { label: string; value: LayoutValue }[] }
  | {
      kind: 'table';
      key: string;
      title: string;
      columns: string[];
      rows: LayoutValue[][];
    }
  | {
      kind: 'opinion';
      key: string;
      title: string;
      opinions: { label: string; text: string }[];
      signers: LayoutSigner[];
      date: string;
      /** undefined: the paper form has no seal here */
      seal?: { sealed: boolean };
    };

export interface DocumentLayout {
  formKey: string;
  title: string;
  orientation: 'portrait' | 'landscape';
  header: { label: string; value: string }[];
  /** 已签署 once the document is final (signed snapshot, or the step that fills it is done) */
  signed: boolean;
  status: string;
  blocks: LayoutBlock[];
}

/** one signer's record of a step (workflows/definition.ts SignatureRecord, the part a document needs) */
export interface LayoutSignature {
  name: string;
  post?: string;
  signature?: unknown;
}

export interface LayoutContext {
  caseId: string;
  orgName: string;
  subjectName: string;
  signed: boolean;
  /** case data `signatures[stepId]`: who signed each step, with their handwritten signature if any */
  signatures?: Record<string, LayoutSignature[]>;
  /** the case's application (附件1), for forms whose paper heads with the household (附件3) */
  application?: Record<string, unknown>;
  /** user id → name, for documents kept per actor (`byActor`, e.g. each verifier's 入户核实记录) */
  actors?: Record<string, string>;
}

/**
 * What the paper form fixes beyond the form's schema: the order of its sections (stored forms are jsonb,
 * which keeps keys in its own order — 县级审定意见 would come before 乡镇审核意见), the sheet's orientation
 * (附件2 is a wide table on a landscape sheet), and which step's signatures belong to which opinion block.
 */
const PAPER: Record<
  string,
  {
    order?: string[];
    orientation?: 'landscape';
    signedAt?: Record<string, string>;
    /** the columns of a repeating group, in the paper's order */
    columns?: Record<string, string[]>;
    /** the paper heads with the household from 附件1: [label, field] */
    household?: [string, string][];
  }
> = {
  // seed 000 lines 2480-2500: 入户核实, 村（居）民主评议, 乡镇（街道）审核, 县级比对审定
  'identification-approval': {
    order: [
      'monitoringType',
      'verification',
      'villageReview',
      'townshipReview',
      'countyApproval',
      'hitDecisions',
    ],
    // 户主姓名 家庭人口 身份证号码 / 县 乡镇 村 组 联系电话
    household: [
      ['户主姓名', 'name'],
      ['家庭人口', 'householdSize'],
      ['身份证号码', 'idNumber'],
      ['家庭住址', 'address'],
      ['联系电话', 'phone'],
    ],
    columns: {
      hitDecisions: ['idNumber', 'department', 'kind', 'amount', 'period', 'decision', 'note'],
    },
    signedAt: {
      verification: 'verify',
      villageReview: 'village_review',
      townshipReview: 'township_review',
      countyApproval: 'county_approval',
    },
  },
  // seed 000 lines 2470-2993: the information collection sheet is a wide landscape table
  collection: { orientation: 'landscape' },
};

const ATTACHMENT = /^att_[0-9a-f]{32}$/;
const isAttachment = (v: unknown): v is string => typeof v === 'string' && ATTACHMENT.test(v);
// an address's parts as written on paper: 省 市 县 乡镇 村 组
const REGION_ORDER = ['province', 'city', 'county', 'township', 'village', 'group'];

/** 附件2's item numbers in their printed order: A5 before A10, A27 before A27a before A28 */
const itemNumber = (k: string) => {
  const m = /^A(\d+)([a-z]*)/.exec(k);
  return m ? Number(m[1]) * 100 + (m[2] ? m[2].charCodeAt(0) - 96 : 0) : undefined;
};

function ordered(schema: LayoutSchema, order?: string[]): [string, LayoutSchema][] {
  let keys = Object.keys(schema.properties ?? {});
  // a repeating group of numbered items (家庭成员: A5–A22) stands where its first item's number does;
  // fields without a number (e.g. 已故) come after the numbered ones
  const number = (k: string) => {
    const cols = Object.keys(schema.properties?.[k]?.items?.properties ?? {})
      .map(itemNumber)
      .filter((c): c is number => c !== undefined);
    return itemNumber(k) ?? (cols.length ? Math.min(...cols) : undefined);
  };
  const numbered = keys.filter((k) => number(k) !== undefined);
  if (!order && numbered.length * 2 > keys.length)
    keys = [
      ...numbered.sort((a, b) => number(a)! - number(b)!),
      ...keys.filter((k) => number(k) === undefined),
    ];
  const list = order
    ? [...order.filter((k) => keys.includes(k)), ...keys.filter((k) => !order.includes(k))]
    : keys;
  return list.map((k) => [k, schema.properties![k]]);
}

/** a value as the paper shows it: codes by their labels, an address in its order, images apart */
export function layoutValue(schema: LayoutSchema | undefined, v: unknown): LayoutValue {
  if (v === undefined || v === null || v === '') return { text: '' };
  if (isAttachment(v)) return { text: '', images: [v] };
  if (Array.isArray(v) && v.length && v.every(isAttachment)) return { text: '', images: v };
  if (typeof v === 'boolean') return { text: v ? '☑是 ☐否' : '☐是 ☑否' };
  if (Array.isArray(v)) {
    if (v.some((x) => x && typeof x === 'object'))
      return { text: v.map((x) => layoutValue(schema?.items, x).text).join('；') };
    return { text: showValue(schema, v) };
  }
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(schema?.properties ?? o);
    if (keys.some((k) => REGION_ORDER.includes(k)))
      return {
        text: [...keys]
          .sort((a, b) => (REGION_ORDER.indexOf(a) + 1 || 99) - (REGION_ORDER.indexOf(b) + 1 || 99))
          .map((k) => o[k])
          .filter((x) => x !== undefined && x !== null && x !== '')
          .join(' '),
      };
    return {
      text: keys
        .filter((k) => o[k] !== undefined && o[k] !== null && o[k] !== '')
        .map(
          (k) => `${schema?.properties?.[k]?.title ?? k}：${layoutValue(schema?.properties?.[k], o[k]).text}`,
        )
        .join('  '),
    };
  }
  return { text: showValue(schema, v) };
}

const isOpinion = (p: LayoutSchema) =>
  p.type === 'object' && !!p.properties && ('signer' in p.properties || 'opinion' in p.properties);

function opinionBlock(
  key: string,
  prop: LayoutSchema,
  v: Record<string, unknown>,
  records: LayoutSignature[],
): LayoutBlock {
  const props = prop.properties ?? {};
  const str = (x: unknown) => (typeof x === 'string' ? x : x === undefined || x === null ? '' : String(x));
  const opinions = Object.keys(props)
    .filter((k) => /^opinion\d*$/.test(k))
    .map((k) => ({ label: props[k].title ?? '意见', text: str(v[k]) }));
  const used = new Set<LayoutSignature>();
  const signers = Object.keys(props)
    .filter((k) => /^signer\d*$/.test(k))
    .map((k) => {
      const name = str(v[k]);
      // a name field may list several signers (入户核实人员: "王核实、李核实")
      const names = name.split(/[、，,\s]+/).filter(Boolean);
      const mine = records.filter((r) => !used.has(r) && names.includes(r.name) && isAttachment(r.signature));
      mine.forEach((r) => used.add(r));
      const signer: LayoutSigner = { label: props[k].title ?? '签字', name };
      const sig = mine.map((r) => r.signature as string);
      return sig.length
        ? { ...signer, signature: sig[0], ...(sig.length > 1 ? { more: sig.slice(1) } : {}) }
        : signer;
    });
  // handwritten signatures of the step's signers not named on the form are shown too, never dropped
  const extra = records.filter((r) => !used.has(r) && isAttachment(r.signature));
  for (const r of extra) signers.push({ label: '签字', name: r.name, signature: r.signature as string });
  const flat: LayoutSigner[] = [];
  for (const s of signers as (LayoutSigner & { more?: string[] })[]) {
    const { more, ...one } = s;
    flat.push(one);
    for (const m of more ?? []) flat.push({ label: one.label, name: '', signature: m });
  }
  return {
    kind: 'opinion',
    key,
    title: prop.title ?? key,
    opinions,
    signers: flat,
    date: str(v.date ?? v.signDate),
    ...('sealed' in props ? { seal: { sealed: v.sealed === true } } : {}),
  };
}

/** China time of an ISO instant, as written on paper: 2026-11-20 09:30 */
const chinaTime = (iso: string) => {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : new Date(t + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
};

/** where a photo was taken, or that the person declined to give it */
function placeOf(photo: Record<string, unknown>): string {
  if (photo.locationDeclined === true) return '拒绝提供位置';
  const l = photo.location as { lat?: unknown; lng?: unknown; accuracy?: unknown } | undefined;
  if (!l || typeof l.lat !== 'number' || typeof l.lng !== 'number') return '';
  const acc = typeof l.accuracy === 'number' ? `（±${Math.round(l.accuracy)} 米）` : '';
  return `北纬 ${l.lat.toFixed(5)}，东经 ${l.lng.toFixed(5)}${acc}`;
}

/**
 * 佐证材料 a document kept per actor (`{ byActor: { userId: record } }`, e.g. each verifier's 入户核实记录):
 * for each actor their fields, their photos with time and place (or "declined"), and their signatures.
 */
function perActorBlocks(
  form: { schema: LayoutSchema; uiSchema?: { 'ui:order'?: string[] } },
  byActor: Record<string, Record<string, unknown>>,
  ctx: LayoutContext,
): LayoutBlock[] {
  const blocks: LayoutBlock[] = [];
  const props = ordered(form.schema, form.uiSchema?.['ui:order']);
  Object.entries(byActor).forEach(([userId, record], i) => {
    const name = ctx.actors?.[userId] ?? userId;
    const rows: { label: string; value: LayoutValue }[] = [{ label: '核实人员', value: { text: name } }];
    const tables: LayoutBlock[] = [];
    const signers: LayoutSigner[] = [];
    for (const [key, prop] of props) {
      const v = record?.[key];
      if (prop.format === 'attachment') {
        // 核实人员签字 is the actor's own; the others (农户签字确认) name nobody on the paper line
        const signer: LayoutSigner = {
          label: prop.title ?? key,
          name: key === 'verifierSignature' ? name : '',
        };
        signers.push(isAttachment(v) ? { ...signer, signature: v } : signer);
      } else if (prop.type === 'array' && prop.items?.type === 'object' && prop.items.properties) {
        if (!Array.isArray(v) || !v.length) continue;
        tables.push({
          kind: 'table',
          key: `${key}-${i}`,
          title: `${prop.title ?? key}（${name}）`,
          columns: ['序号', '照片', '拍摄时间', '拍摄位置'],
          rows: v.map((photo: Record<string, unknown>, j: number) => [
            { text: String(j + 1) },
            isAttachment(photo?.attachment) ? { text: '', images: [photo.attachment] } : { text: '' },
            { text: typeof photo?.takenAt === 'string' ? chinaTime(photo.takenAt) : '' },
            { text: placeOf(photo ?? {}) },
          ]),
        });
      } else {
        rows.push({ label: prop.title ?? key, value: layoutValue(prop, v) });
      }
    }
    blocks.push({ kind: 'fields', key: `actor-${i}`, title: `核实人员 ${i + 1}：${name}`, rows }, ...tables, {
      kind: 'opinion',
      key: `signatures-${i}`,
      title: `签字（${name}）`,
      opinions: [],
      signers,
      date: typeof record?.visitDate === 'string' ? record.visitDate : '',
    });
  });
  return blocks;
}

/** The document as the paper form lays it out, for both the print view and the PDF. */
export function documentLayout(
  formKey: string,
  form: { title: { zh: string }; schema: LayoutSchema; uiSchema?: { 'ui:order'?: string[] } },
  data: Record<string, unknown>,
  ctx: LayoutContext,
): DocumentLayout {
  const paper = PAPER[formKey] ?? {};
  const blocks: LayoutBlock[] = [];
  const byActor = data?.byActor;
  if (byActor && typeof byActor === 'object' && !form.schema.properties?.byActor)
    blocks.push(...perActorBlocks(form, byActor as Record<string, Record<string, unknown>>, ctx));
  else blocks.push(...formBlocks(formKey, form, data, ctx));
  return {
    formKey,
    title: form.title.zh,
    orientation: paper.orientation ?? 'portrait',
    header: [
      { label: '编号', value: ctx.caseId },
      { label: '地区', value: ctx.orgName },
      { label: '对象', value: ctx.subjectName },
    ],
    signed: ctx.signed,
    status: ctx.signed ? '已签署' : '尚未签署完成，显示的是当前填写内容',
    blocks,
  };
}

/** one document's sections in the paper's order */
function formBlocks(
  formKey: string,
  form: { title: { zh: string }; schema: LayoutSchema; uiSchema?: { 'ui:order'?: string[] } },
  data: Record<string, unknown>,
  ctx: LayoutContext,
): LayoutBlock[] {
  const paper = PAPER[formKey] ?? {};
  const blocks: LayoutBlock[] = [];
  let fields: { label: string; value: LayoutValue }[] = [];
  if (paper.household && ctx.application)
    for (const [label, key] of paper.household)
      fields.push({ label, value: layoutValue(undefined, ctx.application[key]) });
  const flush = () => {
    if (fields.length) blocks.push({ kind: 'fields', key: `fields-${blocks.length}`, rows: fields });
    fields = [];
  };
  for (const [key, prop] of ordered(form.schema, paper.order ?? form.uiSchema?.['ui:order'])) {
    const v = data?.[key];
    const title = prop.title ?? key;
    if (isOpinion(prop)) {
      flush();
      const step = paper.signedAt?.[key];
      blocks.push(
        opinionBlock(key, prop, (v as Record<string, unknown>) ?? {}, (step && ctx.signatures?.[step]) || []),
      );
    } else if (prop.type === 'array' && prop.items?.type === 'object' && prop.items.properties) {
      flush();
      const cols = ordered(prop.items, paper.columns?.[key]);
      blocks.push({
        kind: 'table',
        key,
        title,
        columns: ['序号', ...cols.map(([k, c]) => c.title ?? k)],
        rows: (Array.isArray(v) ? v : []).map((row, i) => [
          { text: String(i + 1) },
          ...cols.map(([k, c]) => layoutValue(c, (row as Record<string, unknown>)?.[k])),
        ]),
      });
    } else {
      fields.push({ label: title, value: layoutValue(prop, v) });
    }
  }
  flush();
  return blocks;
}
