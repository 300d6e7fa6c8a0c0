/**
 * 打印视图 a case document as an A4 page in the layout of the paper form:
 * label/value table, repeating rows as tables, each opinion block with its
 * signature and date line, a seal box where the form asks for a seal, and
 * handwritten signatures and photos as images. 打印 prints exactly the page.
 */
import { useEffect, useState } from 'react';
import { useParams } from 'react-router-dom';
import { Alert, Button, Space, Spin } from 'antd';
import { PrinterOutlined } from '@ant-design/icons';
import { api, ApiError } from '../api';
import { attachmentUrl } from '../widgets';
import { showValue, type LabelledSchema } from '../../../forms/labels';

type Schema = LabelledSchema & {
  title?: string;
  type?: string | string[];
  format?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  'x-codelist'?: string;
};
interface Doc {
  form: { title: { zh: string }; schema: Schema; uiSchema?: { 'ui:order'?: string[] } };
  data: Record<string, unknown>;
  signed: boolean;
  case: { id: string; title: string; orgName: string; subjectName: string };
}

// PostgreSQL's jsonb keeps object keys in its own order, not the form's: an address reads 省 市 县 乡镇 村 组
const REGION_ORDER = ['province', 'city', 'county', 'township', 'village', 'group'];
const partsInOrder = (keys: string[]) =>
  keys.some((k) => REGION_ORDER.includes(k))
    ? [...keys].sort((a, b) => (REGION_ORDER.indexOf(a) + 1 || 99) - (REGION_ORDER.indexOf(b) + 1 || 99))
    : keys;

const isAttachment = (v: unknown) => typeof v === 'string' && /^att_[0-9a-f]{32}$/.test(v);

function show(schema: Schema | undefined, v: unknown): React.ReactNode {
  if (v === undefined || v === null || v === '') return '';
  if (isAttachment(v)) return <img src={attachmentUrl(v as string)} alt="签名" style={{ height: 48 }} />;
  if (Array.isArray(v) && v.length && v.every(isAttachment)) {
    return (
      <span className="zx-photos">
        {v.map((id) => (
          <img key={id as string} src={attachmentUrl(id as string)} alt="照片" />
        ))}
      </span>
    );
  }
  if (typeof v === 'boolean') return v ? '☑ 是' : '☐ 否';
  if (Array.isArray(v) && v.some((x) => x && typeof x === 'object'))
    return v.map((x) => show(schema?.items, x)).join('；');
  if (Array.isArray(v)) return showValue(schema, v);
  // an address or other group: its parts in the form's order (市 县 乡镇 村 组)
  if (typeof v === 'object')
    return partsInOrder(Object.keys(schema?.properties ?? v))
      .map((k) => (v as Record<string, unknown>)[k])
      .filter(Boolean)
      .join(' ');
  return showValue(schema, v);
}

function Section({
  schema,
  data,
  order,
}: {
  schema: Schema;
  data: Record<string, unknown>;
  order?: string[];
}) {
  const rows: React.ReactNode[] = [];
  const keys = Object.keys(schema.properties ?? {});
  // the form's own field order (ui:order), then any field it does not list
  const ordered = order
    ? [...order.filter((k) => keys.includes(k)), ...keys.filter((k) => !order.includes(k))]
    : keys;
  for (const [key, prop] of ordered.map((k) => [k, schema.properties![k]] as const)) {
    const v = data?.[key];
    const title = prop.title ?? key;
    if (prop.type === 'object' && prop.properties && !('city' in prop.properties)) {
      const block = 'signer' in prop.properties || 'opinion' in prop.properties;
      rows.push(
        <tr key={key}>
          <th>{title}</th>
          <td>
            {block ? (
              <div className="zx-opinion">
                <div className="zx-opinion-text">{String((v as Record<string, unknown>)?.opinion ?? '')}</div>
                {(v as Record<string, unknown>)?.opinion2 ? (
                  <div className="zx-opinion-text">{String((v as Record<string, unknown>).opinion2)}</div>
                ) : null}
                <div className="zx-sign">
                  签字：
                  <u>
                    {String((v as Record<string, unknown>)?.signer ?? '')}
                    {(v as Record<string, unknown>)?.signer2
                      ? `、${String((v as Record<string, unknown>).signer2)}`
                      : ''}
                  </u>
                  <span style={{ marginLeft: 24 }}>
                    日期：
                    <u>
                      {String(
                        (v as Record<string, unknown>)?.date ??
                          (v as Record<string, unknown>)?.signDate ??
                          '    年  月  日',
                      )}
                    </u>
                  </span>
                </div>
                {'sealed' in prop.properties && (
                  <div className="zx-seal">
                    {(v as Record<string, unknown>)?.sealed ? '（已盖章）' : '（盖章）'}
                  </div>
                )}
              </div>
            ) : (
              <table className="zx-inner">
                <tbody>
                  <Section schema={prop} data={(v as Record<string, unknown>) ?? {}} />
                </tbody>
              </table>
            )}
          </td>
        </tr>,
      );
    } else if (prop.type === 'array' && prop.items?.type === 'object' && prop.items.properties) {
      const cols = Object.entries(prop.items.properties);
      rows.push(
        <tr key={key}>
          <th>{title}</th>
          <td>
            <table className="zx-inner">
              <thead>
                <tr>
                  <th>序号</th>
                  {cols.map(([k, c]) => (
                    <th key={k}>{c.title ?? k}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {(Array.isArray(v) ? v : []).map((row, i) => (
                  <tr key={i}>
                    <td>{i + 1}</td>
                    {cols.map(([k, c]) => (
                      <td key={k}>{show(c, (row as Record<string, unknown>)?.[k])}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </td>
        </tr>,
      );
    } else {
      rows.push(
        <tr key={key}>
          <th>{title}</th>
          <td>{show(prop, v)}</td>
        </tr>,
      );
    }
  }
  return <>{rows}</>;
}

const CSS = `
.zx-a4 { width: 210mm; min-height: 297mm; margin: 0 auto; padding: 18mm 16mm; background: #fff; color: #000; box-shadow: 0 0 8px rgba(0,0,0,.15); font-size: 12pt; }
.zx-a4 h1 { text-align: center; font-size: 18pt; margin: 0 0 6mm; letter-spacing: 2px; }
.zx-a4 .zx-head { display: flex; justify-content: space-between; font-size: 10pt; margin-bottom: 4mm; }
.zx-a4 table { width: 100%; border-collapse: collapse; }
.zx-a4 th, .zx-a4 td { border: 1px solid #000; padding: 2mm 3mm; vertical-align: top; text-align: left; }
.zx-a4 > table > tbody > tr > th { width: 32mm; background: #fafafa; font-weight: 600; }
.zx-a4 .zx-inner th, .zx-a4 .zx-inner td { font-size: 10pt; padding: 1mm 2mm; }
.zx-opinion { min-height: 24mm; position: relative; }
.zx-opinion-text { min-height: 12mm; }
.zx-sign { margin-top: 4mm; text-align: right; }
.zx-seal { position: absolute; right: 4mm; top: 2mm; width: 30mm; height: 16mm; border: 1px dashed #a61d24; color: #a61d24; display: flex; align-items: center; justify-content: center; font-size: 10pt; }
.zx-photos img { height: 30mm; margin: 1mm; border: 1px solid #ccc; }
@page { size: A4; margin: 0; }
@media print {
  body * { visibility: hidden; }
  .zx-a4, .zx-a4 * { visibility: visible; }
  .zx-a4 { position: absolute; left: 0; top: 0; box-shadow: none; }
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
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <style>{CSS}</style>
      <Space>
        <Button type="primary" icon={<PrinterOutlined />} onClick={() => window.print()}>
          打印
        </Button>
        <Button href={`/api/cases/${doc.case.id}/documents/${form}.pdf`} target="_blank">
          下载 PDF
        </Button>
        {!doc.signed && <Alert type="info" showIcon message="该文书尚未签署完成，显示的是当前填写内容" />}
      </Space>
      <div className="zx-a4" role="document" aria-label={doc.form.title.zh}>
        <h1>{doc.form.title.zh}</h1>
        <div className="zx-head">
          <span>编号：{doc.case.id}</span>
          <span>地区：{doc.case.orgName}</span>
          <span>对象：{doc.case.subjectName}</span>
        </div>
        <table>
          <tbody>
            <Section schema={doc.form.schema} data={doc.data} order={doc.form.uiSchema?.['ui:order']} />
          </tbody>
        </table>
      </div>
    </Space>
  );
}
