/**
 * 文书打印 a form of a case as an A4 PDF in the official layout: title, case
 * header, every field with its Chinese label, opinion blocks with signer and
 * date, and a seal box — with an embedded Chinese font (Noto Sans SC, OFL).
 */
import PDFDocument from 'pdfkit';
import { createRequire } from 'node:module';
import { choicesOf, showValue, type LabelledSchema } from '../../forms/labels.js';

const require = createRequire(import.meta.url);
const FONT = require.resolve('@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf');

export interface PrintableCase {
  id: string;
  title: string;
  orgName: string;
  subjectName: string;
}

type Schema = LabelledSchema & {
  title?: string;
  type?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
};

/** "a code" → its label when the field is a code-list choice */
function show(schema: Schema | undefined, value: unknown): string {
  if (value === undefined || value === null || value === '') return '—';
  if (typeof value === 'boolean') return value ? '是' : '否';
  // photos and handwritten signatures are kept as attachments; the printout says they are on file
  if (typeof value === 'string' && /^att_[0-9a-f]{32}$/.test(value)) return '（已签名/已上传，见电子档案）';
  if (
    Array.isArray(value) &&
    value.length &&
    value.every((v) => typeof v === 'string' && /^att_[0-9a-f]{32}$/.test(v))
  )
    return `照片 ${value.length} 张（见电子档案）`;
  if (choicesOf(schema)) return showValue(schema, value);
  if (Array.isArray(value))
    return value.map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v))).join('、');
  return String(value);
}

export function renderFormPdf(
  form: { title: { zh: string }; schema: Schema; uiSchema?: { 'ui:order'?: string[] } },
  data: Record<string, unknown>,
  c: PrintableCase,
): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: 56, bottom: 56, left: 56, right: 56 },
    info: { Title: form.title.zh, Creator: 'Zhenxing' },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (b: Buffer) => chunks.push(b));
  doc.registerFont('zh', FONT);
  doc.font('zh');
  doc.fontSize(18).text(form.title.zh, { align: 'center' });
  doc.moveDown(0.5);
  doc
    .fontSize(10)
    .fillColor('#444')
    .text(`案件编号：${c.id}    地区：${c.orgName}    对象：${c.subjectName}`, { align: 'center' });
  doc.fillColor('#000').moveDown(1);

  const width = doc.page.width - 112;
  const field = (label: string, value: string, indent = 0) => {
    doc
      .fontSize(11)
      .text(`${label}：`, 56 + indent, doc.y, { continued: true, width: width - indent })
      .text(value);
  };
  const walk = (schema: Schema, value: Record<string, unknown>, indent: number, order?: string[]) => {
    // the form's field order (ui:order): the stored document is jsonb, which keeps keys in its own order
    const keys = Object.keys(schema.properties ?? {});
    const ordered = order
      ? [...order.filter((k) => keys.includes(k)), ...keys.filter((k) => !order.includes(k))]
      : keys;
    for (const [key, prop] of ordered.map((k) => [k, schema.properties![k]] as const)) {
      const v = value?.[key];
      const label = prop.title ?? key;
      if (prop.type === 'object' && prop.properties) {
        doc
          .moveDown(0.4)
          .fontSize(12)
          .text(label, 56 + indent);
        const isBlock = 'signer' in prop.properties && 'opinion' in prop.properties;
        walk(prop, (v as Record<string, unknown>) ?? {}, indent + 14);
        if (isBlock) {
          // signature and date line of an opinion block, as on the paper form
          doc
            .fontSize(10)
            .fillColor('#666')
            .text('（签字）                    年    月    日', 56 + indent + 14)
            .fillColor('#000');
        }
        if ('sealed' in prop.properties) {
          const y = doc.y + 4;
          doc.rect(doc.page.width - 56 - 90, y, 90, 50).stroke();
          doc.fontSize(9).text('（盖章）', doc.page.width - 56 - 70, y + 20);
          doc.y = y + 56;
        }
      } else if (prop.type === 'array' && prop.items?.type === 'object' && Array.isArray(v)) {
        doc
          .moveDown(0.4)
          .fontSize(12)
          .text(label, 56 + indent);
        v.forEach((row, i) => {
          doc.fontSize(11).text(`第${i + 1}项`, 56 + indent + 14);
          walk(prop.items!, row as Record<string, unknown>, indent + 28);
        });
      } else {
        field(label, show(prop, v), indent);
      }
    }
  };
  walk(form.schema, data, 0, form.uiSchema?.['ui:order']);
  doc
    .moveDown(2)
    .fontSize(9)
    .fillColor('#888')
    .text(
      `打印时间：${new Date().toLocaleString('zh-CN', { hour12: false })}  ·  振兴 巩固拓展脱贫攻坚成果信息平台`,
      56,
    );
  doc.end();
  return new Promise((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
}
