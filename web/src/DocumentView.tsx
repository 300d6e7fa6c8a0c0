/**
 * 文书只读 a filled form read beside a task, drawn from the same layout definition as the print view and
 * the PDF (server/documents/layout.ts): sections in the paper's order, codes by their labels, an address in
 * its order; each row of a repeating group (家庭成员, 参会人员) as its own small card, photos and
 * signatures as images; empty fields are left out. Phone-sized: label/value pairs, no wide tables.
 */
import { Card, Descriptions, Image, Space, Typography } from 'antd';
import { documentLayout, type LayoutSchema, type LayoutValue } from '../../forms/document-layout';
import { attachmentUrl } from './widgets';

function Value({ v }: { v: LayoutValue }) {
  const images = v.images ?? [];
  if (images.length === 1 && !v.text)
    return <img src={attachmentUrl(images[0])} alt="签名" style={{ height: 48, maxWidth: '100%' }} />;
  return (
    <>
      {v.text}
      {images.length > 0 && (
        <Image.PreviewGroup>
          <Space wrap>
            {images.map((id, i) => (
              <Image
                key={id}
                src={attachmentUrl(id)}
                width={72}
                height={72}
                style={{ objectFit: 'cover' }}
                alt={`照片${i + 1}`}
              />
            ))}
          </Space>
        </Image.PreviewGroup>
      )}
    </>
  );
}

const filled = (v: LayoutValue) => Boolean(v.text || v.images?.length);

function Pairs({ items }: { items: { label: string; value: LayoutValue }[] }) {
  const shown = items.filter((i) => filled(i.value));
  if (!shown.length) return null;
  return (
    <Descriptions
      size="small"
      column={1}
      bordered={false}
      styles={{ label: { whiteSpace: 'normal', minWidth: 96 } }}
    >
      {shown.map((i, k) => (
        <Descriptions.Item key={`${i.label}-${k}`} label={i.label}>
          <Value v={i.value} />
        </Descriptions.Item>
      ))}
    </Descriptions>
  );
}

export function DocumentView({
  formKey = '',
  schema,
  uiSchema,
  data,
}: {
  /** the form's key: the paper's own order and signers (附件3) come with it */
  formKey?: string;
  schema: unknown;
  uiSchema?: unknown;
  data: Record<string, unknown>;
}) {
  const layout = documentLayout(
    formKey,
    {
      title: { zh: '' },
      schema: schema as LayoutSchema,
      uiSchema: uiSchema as { 'ui:order'?: string[] } | undefined,
    },
    data,
    { caseId: '', orgName: '', subjectName: '', signed: true },
  );
  return (
    <>
      {layout.blocks.map((b) => {
        if (b.kind === 'fields') return <Pairs key={b.key} items={b.rows} />;
        if (b.kind === 'table') {
          if (!b.rows.length) return null;
          return (
            <div key={b.key} style={{ marginTop: 8 }}>
              <Typography.Text strong>{b.title}</Typography.Text>
              {b.rows.map((row, i) => (
                <Card key={i} size="small" title={`${b.title} ${i + 1}`} style={{ marginTop: 6 }}>
                  <Pairs items={b.columns.slice(1).map((label, j) => ({ label, value: row[j + 1] }))} />
                </Card>
              ))}
            </div>
          );
        }
        const hasContent =
          b.opinions.some((o) => o.text) || b.signers.some((s) => s.name || s.signature) || b.date;
        if (!hasContent) return null;
        return (
          <div key={b.key} style={{ marginTop: 8 }}>
            <Typography.Text strong>{b.title}</Typography.Text>
            <Pairs
              items={[
                ...b.opinions.map((o) => ({ label: o.label, value: { text: o.text } })),
                ...b.signers.map((s) => ({
                  label: s.label,
                  value: { text: s.name, images: s.signature ? [s.signature] : undefined },
                })),
                { label: '日期', value: { text: b.date } },
                ...(b.seal ? [{ label: '盖章', value: { text: b.seal.sealed ? '已盖章' : '' } }] : []),
              ]}
            />
          </div>
        );
      })}
    </>
  );
}
