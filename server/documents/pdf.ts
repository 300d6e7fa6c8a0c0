/**
 * 文书PDF a case document drawn from its layout (server/documents/layout.ts, the same one the print view
 * draws): the paper form's table on an A4 sheet (landscape where the paper is), repeating rows as a table
 * whose header repeats on every page, opinion blocks with handwritten signatures embedded as images, the
 * seal box, page numbers, the case id and a verification QR code — with an embedded Chinese font
 * (Noto Sans SC, OFL). Several documents and a timeline make the case archive.
 */
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import { createRequire } from 'node:module';
import type { DocumentLayout, LayoutValue } from '../../forms/document-layout.js';

const require = createRequire(import.meta.url);
const FONT = require.resolve('@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf');

type Doc = InstanceType<typeof PDFDocument>;
/** attachment id → image bytes (PNG or JPEG); an image not here is noted as on file */
export type Images = Map<string, Buffer>;

const MARGIN = 40;
const FOOT = 28;
const PAD = 4;

export interface PdfPart {
  layout: DocumentLayout;
  /** where the QR code leads (the case for staff) */
  verifyUrl: string;
}

export interface TimelineEntry {
  at: string;
  what: string;
  who: string;
  note: string;
}

interface Cell {
  value: LayoutValue;
  bold?: boolean;
  fill?: string;
}

function newDocument(title: string): { doc: Doc; done: Promise<Buffer> } {
  const doc = new PDFDocument({
    size: 'A4',
    autoFirstPage: false,
    bufferPages: true,
    margins: { top: MARGIN, bottom: MARGIN, left: MARGIN, right: MARGIN },
    info: { Title: title, Creator: 'Zhenxing' },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (b: Buffer) => chunks.push(b));
  doc.registerFont('zh', FONT);
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  return { doc, done };
}

const bottom = (doc: Doc) => doc.page.height - MARGIN - FOOT;
const innerWidth = (doc: Doc) => doc.page.width - 2 * MARGIN;

/** images of a cell laid out in rows inside `width`; returns their boxes relative to the cell's text end */
function imageBoxes(n: number, width: number, size: number) {
  const perRow = Math.max(1, Math.floor((width + 4) / (size + 4)));
  return Array.from({ length: n }, (_, i) => ({
    dx: (i % perRow) * (size + 4),
    dy: Math.floor(i / perRow) * (size + 4),
  }));
}

function cellHeight(doc: Doc, cell: Cell, width: number, fontSize: number, imageSize: number) {
  doc.fontSize(fontSize);
  const w = width - 2 * PAD;
  const textH = cell.value.text ? doc.heightOfString(cell.value.text, { width: w }) : 0;
  const n = cell.value.images?.length ?? 0;
  const rows = n ? Math.ceil(n / Math.max(1, Math.floor((w + 4) / (imageSize + 4)))) : 0;
  return Math.max(fontSize + 2 * PAD + 2, textH + rows * (imageSize + 4) + 2 * PAD);
}

function drawImage(doc: Doc, images: Images, id: string, x: number, y: number, w: number, h: number) {
  const bytes = images.get(id);
  if (bytes) doc.image(bytes, x, y, { fit: [w, h] });
  else doc.fontSize(7).fillColor('#666').text('（图片见电子档案）', x, y, { width: w }).fillColor('#000');
}

function drawCell(
  doc: Doc,
  images: Images,
  cell: Cell,
  x: number,
  y: number,
  width: number,
  height: number,
  fontSize: number,
  imageSize: number,
) {
  if (cell.fill) doc.rect(x, y, width, height).fill(cell.fill).fillColor('#000');
  doc.lineWidth(0.6).rect(x, y, width, height).stroke();
  doc.fontSize(fontSize);
  const w = width - 2 * PAD;
  let ty = y + PAD;
  if (cell.value.text) {
    doc.text(cell.value.text, x + PAD, ty, { width: w });
    ty += doc.heightOfString(cell.value.text, { width: w });
  }
  const ids = cell.value.images ?? [];
  imageBoxes(ids.length, w, imageSize).forEach((b, i) =>
    drawImage(doc, images, ids[i], x + PAD + b.dx, ty + b.dy, imageSize, imageSize),
  );
}

/** a table of rows; it breaks across pages and repeats its header row on each new page */
function drawTable(
  doc: Doc,
  images: Images,
  widths: number[],
  rows: Cell[][],
  opts: { header?: Cell[]; fontSize?: number; imageSize?: number; newPage: () => void },
) {
  const fs = opts.fontSize ?? 10;
  const img = opts.imageSize ?? 40;
  const drawRow = (row: Cell[]) => {
    const h = Math.max(...row.map((c, i) => cellHeight(doc, c, widths[i], fs, img)));
    const y = doc.y;
    let x = MARGIN;
    row.forEach((c, i) => {
      drawCell(doc, images, c, x, y, widths[i], h, fs, img);
      x += widths[i];
    });
    doc.y = y + h;
  };
  const heightOf = (row: Cell[]) => Math.max(...row.map((c, i) => cellHeight(doc, c, widths[i], fs, img)));
  if (opts.header && doc.y + heightOf(opts.header) + heightOf(rows[0] ?? opts.header) > bottom(doc))
    opts.newPage();
  if (opts.header) drawRow(opts.header);
  for (const row of rows) {
    if (doc.y + heightOf(row) > bottom(doc)) {
      opts.newPage();
      if (opts.header) drawRow(opts.header);
    }
    drawRow(row);
  }
}

/** 乡镇长（街道主任）（签字） as on paper; a bare 签字 stays 签字 */
export const signLabel = (label: string) => (/签字）?$/.test(label) ? label : `${label}（签字）`);

const text = (t: string, extra: Partial<Cell> = {}): Cell => ({ value: { text: t }, ...extra });
const LABEL_FILL = '#f2f2f2';

function drawOpinion(
  doc: Doc,
  images: Images,
  block: Extract<DocumentLayout['blocks'][number], { kind: 'opinion' }>,
  labelW: number,
  newPage: () => void,
) {
  const width = innerWidth(doc) - labelW;
  const w = width - 2 * PAD;
  const SIG_H = 34;
  doc.fontSize(10.5);
  const opinionsH = block.opinions.reduce(
    (h, o) => h + doc.heightOfString(`${o.label}：${o.text || '　'}`, { width: w }) + 4,
    0,
  );
  const signersH = block.signers.length * (SIG_H + 4);
  const sealH = block.seal ? 56 : 0;
  const height = Math.max(90, opinionsH + Math.max(signersH + 18, sealH) + 2 * PAD + 6);
  if (doc.y + height > bottom(doc)) newPage();
  const y0 = doc.y;
  drawCell(doc, images, text(block.title, { fill: LABEL_FILL }), MARGIN, y0, labelW, height, 11, 0);
  const x = MARGIN + labelW;
  doc.lineWidth(0.6).rect(x, y0, width, height).stroke();
  let y = y0 + PAD;
  for (const o of block.opinions) {
    const line = `${o.label}：${o.text || '　'}`;
    doc.fontSize(10.5).text(line, x + PAD, y, { width: w });
    y += doc.heightOfString(line, { width: w }) + 4;
  }
  y += 4;
  for (const s of block.signers) {
    const label = `${signLabel(s.label)}：`;
    doc.fontSize(10).text(label, x + PAD, y + 10, { width: w * 0.45, lineBreak: false });
    const lx = x + PAD + Math.min(w * 0.45, doc.widthOfString(label) + 4);
    if (s.signature) {
      drawImage(doc, images, s.signature, lx, y, 110, SIG_H);
      if (s.name)
        doc
          .fontSize(8)
          .fillColor('#555')
          .text(`（${s.name}）`, lx + 114, y + 12)
          .fillColor('#000');
    } else {
      doc.fontSize(10.5).text(s.name || '　', lx, y + 10, { underline: true, lineBreak: false });
    }
    y += SIG_H + 4;
  }
  doc.fontSize(10).text(`日期：${block.date || '      年    月    日'}`, x + PAD, y0 + height - 18, {
    width: w - (block.seal ? 100 : 0),
    align: 'right',
  });
  if (block.seal) {
    const sx = x + width - PAD - 92;
    const sy = y0 + height - PAD - 52;
    doc.save().lineWidth(1).dash(3, { space: 2 }).strokeColor('#a61d24').rect(sx, sy, 92, 50).stroke();
    doc.restore();
    doc
      .fontSize(9)
      .fillColor('#a61d24')
      .text(block.seal.sealed ? '（已盖章）' : '（盖章）', sx, sy + 19, { width: 92, align: 'center' })
      .fillColor('#000');
  }
  doc.y = y0 + height;
}

async function drawDocument(doc: Doc, images: Images, part: PdfPart) {
  const { layout } = part;
  const layoutOpt = layout.orientation === 'landscape' ? 'landscape' : 'portrait';
  const newPage = () => {
    doc.addPage({
      size: 'A4',
      layout: layoutOpt,
      margins: { top: MARGIN, bottom: 0, left: MARGIN, right: MARGIN },
    });
    doc.font('zh').fillColor('#000');
    doc.y = MARGIN;
  };
  newPage();
  const qr = await QRCode.toBuffer(part.verifyUrl, { type: 'png', margin: 1, width: 160 });
  const W = innerWidth(doc);
  doc.image(qr, MARGIN + W - 56, MARGIN - 8, { width: 56 });
  doc
    .fontSize(6)
    .fillColor('#666')
    .text('扫码核验', MARGIN + W - 56, MARGIN + 49, { width: 56, align: 'center' });
  doc
    .fillColor('#000')
    .fontSize(18)
    .text(layout.title, MARGIN + 60, MARGIN, { width: W - 120, align: 'center' });
  doc.moveDown(0.4);
  doc.fontSize(9.5).text(layout.header.map((h) => `${h.label}：${h.value}`).join('    '), MARGIN, doc.y, {
    width: W - 60,
    align: 'left',
  });
  doc
    .fontSize(9.5)
    .fillColor(layout.signed ? '#237804' : '#ad6800')
    .text(`状态：${layout.status}`, MARGIN, doc.y, { width: W - 60 })
    .fillColor('#000');
  doc.y = Math.max(doc.y, MARGIN + 62) + 4;

  const landscape = layout.orientation === 'landscape';
  const labelW = landscape ? 150 : 110;
  for (const block of layout.blocks) {
    if (block.kind === 'fields') {
      // a landscape sheet holds two label/value pairs a row, as the paper collection sheet does
      const pairs = landscape ? 2 : 1;
      const valueW = (W - pairs * labelW) / pairs;
      const widths = Array.from({ length: pairs }, () => [labelW, valueW]).flat();
      const rows: Cell[][] = [];
      for (let i = 0; i < block.rows.length; i += pairs) {
        const row: Cell[] = [];
        for (let j = 0; j < pairs; j++) {
          const r = block.rows[i + j];
          row.push(text(r?.label ?? '', { fill: LABEL_FILL }), { value: r?.value ?? { text: '' } });
        }
        rows.push(row);
      }
      drawTable(doc, images, widths, rows, { fontSize: 10, imageSize: 48, newPage });
    } else if (block.kind === 'table') {
      if (doc.y + 60 > bottom(doc)) newPage();
      doc.fontSize(11).text(block.title, MARGIN, doc.y + 4, { width: W });
      doc.y += 2;
      // 序号 narrow, the rest share the width: the table never runs off the sheet
      const first = 26;
      const rest = (W - first) / Math.max(1, block.columns.length - 1);
      const widths = [first, ...block.columns.slice(1).map(() => rest)];
      const fs = block.columns.length > 10 ? 7 : 9;
      drawTable(
        doc,
        images,
        widths,
        block.rows.map((r) => r.map((v) => ({ value: v }))),
        {
          header: block.columns.map((c) => text(c, { fill: LABEL_FILL })),
          fontSize: fs,
          imageSize: 32,
          newPage,
        },
      );
    } else {
      drawOpinion(doc, images, block, labelW, newPage);
    }
  }
}

function footers(doc: Doc, caseId: string) {
  const range = doc.bufferedPageRange();
  for (let i = 0; i < range.count; i++) {
    doc.switchToPage(range.start + i);
    const y = doc.page.height - MARGIN - 12;
    doc
      .font('zh')
      .fontSize(8)
      .fillColor('#666')
      .text(`案件编号：${caseId}`, MARGIN, y, { lineBreak: false })
      .text(`第 ${i + 1} 页 / 共 ${range.count} 页`, MARGIN, y, {
        width: doc.page.width - 2 * MARGIN,
        align: 'right',
        lineBreak: false,
      })
      .fillColor('#000');
  }
}

/** One document of a case as a PDF. */
export async function renderDocumentPdf(part: PdfPart, images: Images): Promise<Buffer> {
  const { doc, done } = newDocument(part.layout.title);
  await drawDocument(doc, images, part);
  footers(doc, part.layout.header[0]?.value ?? '');
  doc.end();
  return done;
}

/** 案卷 every document of a case in order, then its timeline, as one PDF. */
export async function renderArchivePdf(
  c: { id: string; title: string },
  parts: PdfPart[],
  timeline: TimelineEntry[],
  images: Images,
  verifyUrl: string,
): Promise<Buffer> {
  const { doc, done } = newDocument(`案卷 ${c.title}`);
  doc.addPage({ size: 'A4', margins: { top: MARGIN, bottom: 0, left: MARGIN, right: MARGIN } });
  doc.font('zh');
  const W = innerWidth(doc);
  const qr = await QRCode.toBuffer(verifyUrl, { type: 'png', margin: 1, width: 160 });
  doc.image(qr, MARGIN + W - 56, MARGIN - 8, { width: 56 });
  doc.fontSize(20).text('案 卷', MARGIN, MARGIN + 10, { width: W, align: 'center' });
  doc.moveDown(0.5).fontSize(12).text(c.title, { width: W, align: 'center' });
  doc.moveDown(0.3).fontSize(10).text(`案件编号：${c.id}`, { width: W, align: 'center' });
  doc.moveDown(1).fontSize(12).text('目录', MARGIN);
  parts.forEach((p, i) =>
    doc
      .fontSize(10.5)
      .text(
        `${i + 1}. ${p.layout.title}（${p.layout.status.startsWith('已') ? '已签署' : '未签署完成'}）`,
        MARGIN + 12,
      ),
  );
  doc.fontSize(10.5).text(`${parts.length + 1}. 办理过程（时间线）`, MARGIN + 12);
  for (const p of parts) await drawDocument(doc, images, p);
  doc.addPage({ size: 'A4', margins: { top: MARGIN, bottom: 0, left: MARGIN, right: MARGIN } });
  doc.font('zh').fontSize(16).text('办理过程（时间线）', MARGIN, MARGIN, { width: W, align: 'center' });
  doc.y += 8;
  const newPage = () => {
    doc.addPage({ size: 'A4', margins: { top: MARGIN, bottom: 0, left: MARGIN, right: MARGIN } });
    doc.font('zh');
    doc.y = MARGIN;
  };
  drawTable(
    doc,
    images,
    [110, 150, 90, W - 350],
    timeline.map((t) => [text(t.at), text(t.what), text(t.who), text(t.note)]),
    {
      header: ['时间', '环节', '办理人', '意见 / 说明'].map((h) => text(h, { fill: LABEL_FILL })),
      fontSize: 9,
      newPage,
    },
  );
  footers(doc, c.id);
  doc.end();
  return done;
}
