/**
 * 打印视图 a case document as an A4 sheet, drawn from the layout the server made for it
 * (server/documents/layout.ts — the PDF draws the same one): the paper form's sections in the paper's
 * order, label/value rows, repeating rows as a table whose header repeats on every printed page, opinion
 * blocks with their signers (handwritten signatures as images), the seal box, a landscape sheet where the
 * paper is landscape. 打印 prints exactly the sheet.
 */
import { useEffect, useState } from 'react';
import { useParams } from 'react-router-dom';
import { Alert, Button, Space, Spin, Tag } from 'antd';
import { PrinterOutlined } from '@ant-design/icons';
import { api, ApiError } from '../api';
import { attachmentUrl } from '../widgets';
import type { DocumentLayout, LayoutBlock, LayoutValue } from '../../../forms/document-layout';

interface Doc {
  layout: DocumentLayout;
  case: { id: string; title: string; orgName: string; subjectName: string; status: string };
}

function Value({ v }: { v: LayoutValue }) {
  return (
    <>
      {v.text}
      {v.images?.length ? (
        <span className="zx-photos">
          {v.images.map((id, i) => (
            <img key={id} src={attachmentUrl(id)} alt={`图片${i + 1}`} />
          ))}
        </span>
      ) : null}
    </>
  );
}

function Block({ b, landscape }: { b: LayoutBlock; landscape: boolean }) {
  if (b.kind === 'fields') {
    // a landscape sheet holds two label/value pairs a row, as the paper collection sheet does
    const per = landscape ? 2 : 1;
    const rows: (typeof b.rows)[] = [];
    for (let i = 0; i < b.rows.length; i += per) rows.push(b.rows.slice(i, i + per));
    return (
      <table className="zx-fields" data-block={b.key}>
        <tbody>
          {rows.map((r, i) => (
            <tr key={i}>
              {r.map((f) => [
                <th key={`${f.label}-l`}>{f.label}</th>,
                <td key={`${f.label}-v`}>
                  <Value v={f.value} />
                </td>,
              ])}
              {r.length < per && <td className="zx-pad" colSpan={2 * (per - r.length)} />}
            </tr>
          ))}
        </tbody>
      </table>
    );
  }
  if (b.kind === 'table') {
    return (
      <section className="zx-rows" data-block={b.key}>
        <h2>{b.title}</h2>
        <table className={b.columns.length > 10 ? 'zx-wide' : undefined}>
          <thead>
            <tr>
              {b.columns.map((c) => (
                <th key={c}>{c}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {b.rows.map((r, i) => (
              <tr key={i}>
                {r.map((v, j) => (
                  <td key={j}>
                    <Value v={v} />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    );
  }
  return (
    <table className="zx-fields zx-opinion" data-block={b.key}>
      <tbody>
        <tr>
          <th>{b.title}</th>
          <td>
            {b.opinions.map((o) => (
              <div key={o.label} className="zx-opinion-text">
                {o.label}：{o.text}
              </div>
            ))}
            <div className="zx-signers">
              {b.signers.map((s, i) => (
                <span key={i} className="zx-sign">
                  {/签字）?$/.test(s.label) ? s.label : `${s.label}（签字）`}：
                  {s.signature ? (
                    <>
                      <img src={attachmentUrl(s.signature)} alt={`${s.name}的签名`} />
                      {s.name && <small>（{s.name}）</small>}
                    </>
                  ) : (
                    <u>{s.name || '\u3000\u3000\u3000\u3000'}</u>
                  )}
                </span>
              ))}
            </div>
            <div className="zx-date">日期：{b.date || '\u3000\u3000年\u3000\u3000月\u3000\u3000日'}</div>
            {b.seal && <div className="zx-seal">{b.seal.sealed ? '（已盖章）' : '（盖章）'}</div>}
          </td>
        </tr>
      </tbody>
    </table>
  );
}

const CSS = `
.zx-sheet { width: 210mm; min-height: 297mm; margin: 0 auto; padding: 14mm 14mm; background: #fff; color: #000; box-shadow: 0 0 8px rgba(0,0,0,.15); font-size: 11pt; box-sizing: border-box; }
.zx-sheet.zx-landscape { width: 297mm; min-height: 210mm; }
.zx-sheet h1 { text-align: center; font-size: 17pt; margin: 0 0 4mm; letter-spacing: 2px; }
.zx-sheet .zx-head { display: flex; flex-wrap: wrap; gap: 2mm 8mm; justify-content: space-between; font-size: 9.5pt; margin-bottom: 3mm; }
.zx-sheet table { width: 100%; border-collapse: collapse; table-layout: fixed; margin-top: -1px; }
.zx-sheet th, .zx-sheet td { border: 1px solid #000; padding: 1.5mm 2mm; vertical-align: top; text-align: left; overflow-wrap: anywhere; }
.zx-sheet .zx-fields th { width: 30mm; background: #f2f2f2; font-weight: 600; }
.zx-sheet.zx-landscape .zx-fields th { width: 42mm; }
.zx-sheet .zx-rows h2 { font-size: 11pt; margin: 3mm 0 1mm; }
.zx-sheet .zx-rows th { background: #f2f2f2; font-size: 9pt; }
.zx-sheet .zx-rows td { font-size: 9pt; }
.zx-sheet .zx-rows .zx-wide th, .zx-sheet .zx-rows .zx-wide td { font-size: 7pt; padding: 1mm; }
.zx-sheet .zx-rows th:first-child, .zx-sheet .zx-rows td:first-child { width: 8mm; }
.zx-sheet thead { display: table-header-group; }
.zx-sheet tr { break-inside: avoid; }
.zx-opinion td { position: relative; min-height: 30mm; height: 30mm; }
.zx-opinion-text { margin-bottom: 2mm; }
.zx-signers { display: flex; flex-wrap: wrap; gap: 2mm 10mm; margin-top: 3mm; }
.zx-sign img { height: 12mm; vertical-align: middle; }
.zx-date { text-align: right; margin-top: 2mm; padding-right: 36mm; }
.zx-seal { position: absolute; right: 3mm; bottom: 2mm; width: 30mm; height: 16mm; border: 1px dashed #a61d24; color: #a61d24; display: flex; align-items: center; justify-content: center; font-size: 9pt; }
.zx-photos img { height: 24mm; margin: 1mm; border: 1px solid #ccc; vertical-align: middle; }
.zx-status { margin-bottom: 2mm; font-size: 9.5pt; }
@media screen { .zx-sheet { max-width: 100%; } }
@media screen and (max-width: 600px) {
  .zx-sheet table.zx-fields, .zx-sheet .zx-fields tbody { display: block; }
  .zx-sheet .zx-fields tr { display: grid; grid-template-columns: 34% 66%; }
  .zx-sheet .zx-fields th, .zx-sheet .zx-fields td { display: block; width: auto !important; margin: -1px 0 0 -1px; }
  .zx-sheet .zx-fields .zx-pad { display: none; }
  .zx-sheet .zx-opinion td { height: auto; min-height: 0; }
  .zx-date { padding-right: 0; text-align: left; }
  .zx-seal { position: static; margin-top: 2mm; }
  .zx-sheet, .zx-sheet.zx-landscape { width: 100%; min-height: 0; padding: 4mm; box-shadow: none; font-size: 10pt; }
  .zx-sheet .zx-fields th, .zx-sheet.zx-landscape .zx-fields th { width: 28%; }
  .zx-sheet .zx-rows { overflow-x: auto; }
  .zx-sheet .zx-rows table.zx-wide { width: 260mm; }
}
@media print {
  body * { visibility: hidden; }
  .zx-sheet, .zx-sheet * { visibility: visible; }
  .zx-sheet, .zx-sheet.zx-landscape { position: absolute; left: 0; top: 0; width: 100%; min-height: 0; padding: 0; box-shadow: none; }
}
`;

export default function PrintView() {
  const { id, form } = useParams();
  const [doc, setDoc] = useState<Doc>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    api
      .get<Doc>(`/api/cases/${id}/documents/${form}`)
      .then(setDoc)
      .catch((e) => setError(e instanceof ApiError ? e.title : '无法读取文书'));
  }, [id, form]);
  if (error) return <Alert type="error" showIcon message={error} />;
  if (!doc) return <Spin style={{ display: 'block', margin: 48 }} />;
  const { layout } = doc;
  const landscape = layout.orientation === 'landscape';
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <style>{`${CSS}\n@page { size: A4 ${landscape ? 'landscape' : 'portrait'}; margin: 8mm; }`}</style>
      <Space wrap>
        <Button type="primary" icon={<PrinterOutlined />} onClick={() => window.print()}>
          打印
        </Button>
        <Button href={`/api/cases/${doc.case.id}/documents/${form}.pdf`} target="_blank">
          下载 PDF
        </Button>
        <Button href={`/api/cases/${doc.case.id}/archive.pdf`} target="_blank">
          下载案卷（全部文书）
        </Button>
        {layout.signed ? (
          <Tag color="green">已签署</Tag>
        ) : (
          <Alert type="info" showIcon message="该文书尚未签署完成，显示的是当前填写内容" />
        )}
      </Space>
      <div
        className={`zx-sheet${landscape ? ' zx-landscape' : ''}`}
        role="document"
        aria-label={layout.title}
        data-orientation={layout.orientation}
      >
        <h1>{layout.title}</h1>
        <div className="zx-head">
          {layout.header.map((h) => (
            <span key={h.label}>
              {h.label}：{h.value}
            </span>
          ))}
          <span className="zx-status">状态：{layout.status}</span>
        </div>
        {layout.blocks.map((b) => (
          <Block key={b.key} b={b} landscape={landscape} />
        ))}
      </div>
    </Space>
  );
}
