/**
 * 公示海报 a notice as an A4 poster for the village notice board: the title, the masked list as a table,
 * the window's dates, how to object, and a QR code that opens the notice on the public board.
 */
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const FONT = require.resolve('@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf');

export interface PosterNotice {
  title: string;
  orgName: string;
  rows: { label: string; value: string }[];
  opensAt: Date;
  closesAt: Date | null;
  days: number;
  calendar: string;
}

/** a date and time as people in China read it (UTC+8) */
const china = (d: Date) => {
  const t = new Date(new Date(d).getTime() + 8 * 3_600_000);
  return `${t.getUTCFullYear()}年${t.getUTCMonth() + 1}月${t.getUTCDate()}日 ${String(t.getUTCHours()).padStart(2, '0')}:${String(t.getUTCMinutes()).padStart(2, '0')}`;
};

export async function renderNoticePoster(n: PosterNotice, link: string): Promise<Buffer> {
  const M = 50;
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: M, bottom: M, left: M, right: M },
    info: { Title: `公示 ${n.title}`, Creator: 'Zhenxing' },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (b: Buffer) => chunks.push(b));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  doc.registerFont('zh', FONT).font('zh');
  const W = doc.page.width - 2 * M;

  doc.fillColor('#a61d24').fontSize(34).text('公  示', M, M, { width: W, align: 'center' });
  doc.moveDown(0.3).fillColor('#000').fontSize(17).text(n.title, { width: W, align: 'center' });
  doc.moveDown(0.2).fontSize(11).fillColor('#444').text(n.orgName, { width: W, align: 'center' });
  doc.fillColor('#000').moveDown(1);

  // the masked list: one row per published item
  const labelW = 130;
  for (const r of n.rows) {
    const y = doc.y;
    doc.fontSize(13);
    const h = Math.max(24, doc.heightOfString(r.value, { width: W - labelW - 12 }) + 10);
    doc.rect(M, y, labelW, h).fillAndStroke('#f2f2f2', '#000').fillColor('#000');
    doc.rect(M + labelW, y, W - labelW, h).stroke();
    doc.text(r.label, M + 6, y + 5, { width: labelW - 12 });
    doc.text(r.value, M + labelW + 6, y + 5, { width: W - labelW - 12 });
    doc.y = y + h;
  }
  doc.moveDown(1);
  const unit = n.calendar === 'working' ? '个工作日' : '天';
  doc
    .fontSize(13)
    .text(
      `公示期：${china(n.opensAt)} 至 ${n.closesAt ? china(n.closesAt) : '（截止时间待节假日安排公布后确定）'}，共 ${n.days} ${unit}。`,
      M,
      doc.y,
      { width: W },
    );
  doc.moveDown(0.8);
  doc.fontSize(14).text('如何提出异议', { width: W });
  doc
    .moveDown(0.3)
    .fontSize(12)
    .list(
      [
        '公示期内，任何单位和个人对公示内容有异议的，均可提出。',
        '用手机扫描右下方二维码，打开网上公示栏，点“提出异议”填写；可不留姓名，留联系电话的请填手机号或带区号的固定电话。',
        '提交后请保存回执号，凭回执号在公示栏查询办理进度和核实结论。',
        '也可以向村（居）民委员会或乡镇（街道）书面、口头反映。',
      ],
      { width: W - 170, bulletRadius: 2.5, paragraphGap: 4 },
    );
  const qr = await QRCode.toBuffer(link, { type: 'png', margin: 1, width: 300 });
  const qy = Math.max(doc.y + 10, doc.page.height - M - 190);
  doc.image(qr, M + W - 150, qy, { width: 150 });
  doc.fontSize(10).text('扫码查看公示、提出异议', M + W - 150, qy + 154, { width: 150, align: 'center' });
  doc
    .fontSize(8)
    .fillColor('#666')
    .text(link, M, qy + 154, { width: W - 170 });
  doc.end();
  return done;
}
