/**
 * 文书只读 a filled form as label/value pairs in the form's order, codes by their labels (forms/labels.ts),
 * each row of a repeating group (家庭成员, 参会人员) as its own small card, photos and signatures as images;
 * empty fields are left out. Used beside a task's form, where an approver reads the earlier documents.
 */
import { Card, Descriptions, Image, Space, Typography } from 'antd';
import { showValue, type LabelledSchema } from '../../forms/labels';
import { attachmentUrl } from './widgets';

type Schema = LabelledSchema & {
  title?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  items?: Schema;
};

const isAttachment = (v: unknown) => typeof v === 'string' && /^att_[0-9a-f]{32}$/.test(v);
const empty = (v: unknown) =>
  v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);
// jsonb keeps keys in its own order: an address reads 市 县 乡镇 村 组
const REGION_ORDER = ['province', 'city', 'county', 'township', 'village', 'group'];

function value(schema: Schema | undefined, v: unknown): React.ReactNode {
  if (isAttachment(v))
    return <img src={attachmentUrl(v as string)} alt="签名" style={{ height: 48, maxWidth: '100%' }} />;
  if (Array.isArray(v) && v.every(isAttachment)) {
    return (
      <Image.PreviewGroup>
        <Space wrap>
          {v.map((id, i) => (
            <Image
              key={id as string}
              src={attachmentUrl(id as string)}
              width={72}
              height={72}
              style={{ objectFit: 'cover' }}
              alt={`照片${i + 1}`}
            />
          ))}
        </Space>
      </Image.PreviewGroup>
    );
  }
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(schema?.properties ?? o);
    return [...keys]
      .sort((a, b) => (REGION_ORDER.indexOf(a) + 1 || 99) - (REGION_ORDER.indexOf(b) + 1 || 99))
      .map((k) => o[k])
      .filter((x) => !empty(x))
      .join(' ');
  }
  return showValue(schema, v);
}

function Fields({
  schema,
  data,
  order,
}: {
  schema: Schema;
  data: Record<string, unknown>;
  order?: string[];
}) {
  const keys = Object.keys(schema.properties ?? {});
  const ordered = order
    ? [...order.filter((k) => keys.includes(k)), ...keys.filter((k) => !order.includes(k))]
    : keys;
  const plain: React.ReactNode[] = [];
  const blocks: React.ReactNode[] = [];
  for (const key of ordered) {
    const prop = schema.properties![key];
    const v = data?.[key];
    if (empty(v)) continue;
    const title = prop.title ?? key;
    const rows = prop.type === 'array' && prop.items?.type === 'object' && prop.items.properties;
    const group = prop.type === 'object' && prop.properties && !('city' in prop.properties);
    if (rows) {
      blocks.push(
        <div key={key} style={{ marginTop: 8 }}>
          <Typography.Text strong>{title}</Typography.Text>
          {(v as Record<string, unknown>[]).map((row, i) => (
            <Card
              key={i}
              size="small"
              title={`${prop.items!.title ?? title} ${i + 1}`}
              style={{ marginTop: 6 }}
            >
              <Fields schema={prop.items!} data={row ?? {}} />
            </Card>
          ))}
        </div>,
      );
    } else if (group) {
      blocks.push(
        <div key={key} style={{ marginTop: 8 }}>
          <Typography.Text strong>{title}</Typography.Text>
          <Fields schema={prop} data={(v as Record<string, unknown>) ?? {}} />
        </div>,
      );
    } else {
      plain.push(
        <Descriptions.Item key={key} label={title}>
          {value(prop, v)}
        </Descriptions.Item>,
      );
    }
  }
  return (
    <>
      {plain.length > 0 && (
        <Descriptions
          size="small"
          column={1}
          bordered={false}
          styles={{ label: { whiteSpace: 'normal', minWidth: 96 } }}
        >
          {plain}
        </Descriptions>
      )}
      {blocks}
    </>
  );
}

export function DocumentView({
  schema,
  uiSchema,
  data,
}: {
  schema: unknown;
  uiSchema?: unknown;
  data: Record<string, unknown>;
}) {
  return (
    <Fields
      schema={schema as Schema}
      data={data}
      order={(uiSchema as { 'ui:order'?: string[] } | undefined)?.['ui:order']}
    />
  );
}
