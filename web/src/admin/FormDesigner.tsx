/**
 * 表单设计器 an administrator changes a form without code: add fields from a
 * palette, reorder them, edit their properties, preview them with the same
 * renderer staff use, edit the JSON directly, and publish a new version.
 */
import { memo, useEffect, useMemo, useRef, useState } from 'react';
import { useParams } from 'react-router-dom';
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Col,
  Empty,
  Input,
  InputNumber,
  List,
  Row,
  Select,
  Space,
  Spin,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import {
  ArrowDownOutlined,
  ArrowUpOutlined,
  DeleteOutlined,
  RedoOutlined,
  UndoOutlined,
} from '@ant-design/icons';
import type { FormVersionRow, Items, Published, VersionRow } from '../../../shared/api-types';
import type { FormDocument } from '../../../forms/validate';
import type { CodeList } from '../../../forms/registry';
import { api, ApiError } from '../api';
import { FormView } from '../FormView';
import { resolveCodeLists } from '../../../forms/registry';
import { useHistory } from './useHistory';
import { VersionDiff } from './VersionDiff';
import { FormulaBuilder } from './FormulaBuilder';
import { ConditionBuilder } from './ConditionBuilder';

/** the form document being designed: the shared form document type (its schema is JSON Schema, edited freely) */
type Doc = FormDocument;
/** a field's JSON Schema as the palette makes it, and its uiSchema entry */
type FieldSchema = Record<string, unknown>;

const PALETTE: { kind: string; label: string; make: (title: string) => FieldSchema; ui?: FieldSchema }[] = [
  { kind: 'text', label: '单行文本', make: (t) => ({ type: 'string', title: t, maxLength: 200 }) },
  {
    kind: 'textarea',
    label: '多行文本',
    make: (t) => ({ type: 'string', title: t, maxLength: 2000 }),
    ui: { 'ui:widget': 'textarea' },
  },
  { kind: 'number', label: '数字', make: (t) => ({ type: 'number', title: t }) },
  {
    kind: 'money',
    label: '金额（元）',
    make: (t) => ({ type: 'number', format: 'money', title: t, 'x-unit': '元' }),
  },
  { kind: 'date', label: '日期', make: (t) => ({ type: 'string', format: 'date', title: t }) },
  {
    kind: 'select',
    label: '单选（代码表）',
    make: (t) => ({ type: 'string', title: t, 'x-codelist': 'yes-no' }),
  },
  {
    kind: 'multi',
    label: '多选（代码表）',
    make: (t) => ({ type: 'array', title: t, 'x-codelist': 'risk-codes', items: { type: 'string' } }),
    ui: { 'ui:widget': 'checkboxes' },
  },
  { kind: 'id', label: '身份证号', make: (t) => ({ type: 'string', format: 'resident-id', title: t }) },
  { kind: 'phone', label: '手机号码', make: (t) => ({ type: 'string', format: 'mobile', title: t }) },
  { kind: 'boolean', label: '勾选', make: (t) => ({ type: 'boolean', title: t }) },
  {
    kind: 'photo',
    label: '照片/附件',
    make: (t) => ({ type: 'array', title: t, maxItems: 9, items: { type: 'string', format: 'attachment' } }),
    ui: { 'ui:widget': 'photos' },
  },
  {
    kind: 'signature',
    label: '手写签名',
    make: (t) => ({ type: 'string', title: t, format: 'attachment' }),
    ui: { 'ui:widget': 'signature' },
  },
  {
    kind: 'region',
    label: '地址（地区级联）',
    make: (t) => ({
      type: 'object',
      title: t,
      properties: Object.fromEntries(
        ['city', 'county', 'township', 'village', 'group'].map((k, i) => [
          k,
          {
            type: 'string',
            title: ['市（州）', '县（市、区）', '乡镇（街道）', '村（社区）', '村民小组'][i],
          },
        ]),
      ),
    }),
    ui: { 'ui:field': 'region' },
  },
  {
    kind: 'table',
    label: '成员表（多行）',
    make: (t) => ({
      type: 'array',
      title: t,
      items: { type: 'object', properties: { name: { type: 'string', title: '姓名' } }, required: ['name'] },
    }),
  },
  { kind: 'section', label: '分组/标题', make: (t) => ({ type: 'object', title: t, properties: {} }) },
];

export default function FormDesigner() {
  const { key } = useParams();
  const { message } = App.useApp();
  const doc = useHistory<Doc | null>(null);
  const [versions, setVersions] = useState<number[]>([]);
  const [lists, setLists] = useState<CodeList[]>([]);
  const [selected, setSelected] = useState<string>();
  const [json, setJson] = useState('');
  const [jsonError, setJsonError] = useState<string>();
  const [errors, setErrors] = useState<{ path: string; message: string }[]>([]);
  // a field just added: scrolled into view and flashed once the list shows it
  const [fresh, setFresh] = useState<string>();
  // memoised field rows keep the first onDrop they were given: give them a stable one that calls the current drop
  const dropRef = useRef<(payload: string, target: string) => void>(() => {});
  const [onDrop] = useState(() => (payload: string, target: string) => dropRef.current(payload, target));

  useEffect(() => {
    Promise.all([
      api.get<Items<VersionRow>>('/api/admin/forms'),
      api.get<Items<{ document: CodeList }>>('/api/admin/codelists'),
    ]).then(async ([f, c]) => {
      const mine = f.items.filter((x) => x.key === key && x.status === 'published').map((x) => x.version);
      setVersions(mine);
      setLists(c.items.map((x) => x.document));
      const latest = await api.get<FormVersionRow>(`/api/admin/forms/${key}/versions/${Math.max(...mine)}`);
      doc.reset(latest.document);
    });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  // only the open tab does work: with 120 fields, re-rendering the preview or re-serialising the JSON on
  // every keystroke in the properties panel would make typing lag
  const [tab, setTab] = useState('props');
  useEffect(() => {
    if (doc.value && tab === 'json')
      setJson(JSON.stringify({ schema: doc.value.schema, uiSchema: doc.value.uiSchema }, null, 2));
  }, [doc.value, tab]);
  const preview = useMemo(
    () => (doc.value && tab === 'preview' ? resolveCodeLists({ ...doc.value, version: -1 }, lists) : null),
    [doc.value, lists, tab],
  );
  useEffect(() => {
    if (!fresh) return;
    const el = document.querySelector(`[data-field="${fresh}"]`);
    el?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
    el?.classList.add('zx-flash');
    const t = window.setTimeout(() => {
      el?.classList.remove('zx-flash');
      setFresh(undefined);
    }, 2400);
    return () => window.clearTimeout(t);
  }, [fresh]);
  if (!doc.value) return <Spin style={{ display: 'block', margin: 48 }} />;
  const d = doc.value;
  const fields = Object.keys(d.schema.properties ?? {});
  const order: string[] = d.uiSchema?.['ui:order']?.filter((k: string) => fields.includes(k)) ?? fields;
  const ordered = [...order, ...fields.filter((f) => !order.includes(f))];
  const field = selected ? d.schema.properties[selected] : undefined;
  const required = new Set<string>(d.schema.required ?? []);

  const update = (fn: (x: Doc) => void) =>
    doc.set((cur) => {
      const next = structuredClone(cur!);
      fn(next);
      return next;
    });
  /** add a control at the end, or before the field it was dropped on */
  const add = (p: (typeof PALETTE)[number], before?: string) => {
    let n = 1;
    while (d.schema.properties[`field${n}`]) n++;
    const k = `field${n}`;
    update((x) => {
      x.schema.properties[k] = p.make(p.label);
      const o = orderOf(x).filter((f) => f !== k);
      const at = before ? o.indexOf(before) : -1;
      x.uiSchema = {
        ...(x.uiSchema ?? {}),
        'ui:order': at < 0 ? [...o, k] : [...o.slice(0, at), k, ...o.slice(at)],
        ...(p.ui ? { [k]: p.ui } : {}),
      };
    });
    setSelected(k);
    setFresh(k);
  };
  /** 拖放 a field dragged onto another takes its place; a control dragged from the palette is added there */
  function drop_(payload: string, target: string) {
    if (payload.startsWith('palette:')) {
      const p = PALETTE.find((x) => x.kind === payload.slice(8));
      if (p) add(p, target);
      return;
    }
    const k = payload.replace(/^field:/, '');
    if (k === target) return;
    update((x) => {
      const o = orderOf(x).filter((f) => f !== k);
      o.splice(o.indexOf(target), 0, k);
      x.uiSchema = { ...(x.uiSchema ?? {}), 'ui:order': o };
    });
  }
  dropRef.current = drop_;
  // the field order of the document being changed (not of this render: list rows are memoised)
  const orderOf = (x: Doc): string[] => {
    const keys = Object.keys(x.schema.properties ?? {});
    const o: string[] = x.uiSchema?.['ui:order']?.filter((k: string) => keys.includes(k)) ?? keys;
    return [...o, ...keys.filter((f) => !o.includes(f))];
  };
  const move = (k: string, delta: number) =>
    update((x) => {
      const o = orderOf(x);
      const i = o.indexOf(k);
      const j = i + delta;
      if (j < 0 || j >= o.length) return;
      [o[i], o[j]] = [o[j], o[i]];
      x.uiSchema = { ...(x.uiSchema ?? {}), 'ui:order': o };
    });
  const remove = (k: string) =>
    update((x) => {
      delete x.schema.properties[k];
      x.schema.required = (x.schema.required ?? []).filter((r: string) => r !== k);
      x.uiSchema = { ...(x.uiSchema ?? {}), 'ui:order': orderOf(x).filter((o) => o !== k) };
    });
  const rename = (from: string, to: string) => {
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(to) || d.schema.properties[to])
      return message.error('字段编码须为英文字母开头且不重复');
    update((x) => {
      const props: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(x.schema.properties)) props[k === from ? to : k] = v;
      x.schema.properties = props;
      x.schema.required = (x.schema.required ?? []).map((r: string) => (r === from ? to : r));
      x.uiSchema = { ...(x.uiSchema ?? {}), 'ui:order': ordered.map((o) => (o === from ? to : o)) };
      if (x.uiSchema[from]) {
        x.uiSchema[to] = x.uiSchema[from];
        delete x.uiSchema[from];
      }
    });
    setSelected(to);
  };
  const setProp = (k: string, prop: string, value: unknown) =>
    update((x) => {
      if (value === undefined || value === '' || value === null) delete x.schema.properties[k][prop];
      else x.schema.properties[k][prop] = value;
    });
  const setRequired = (k: string, on: boolean) =>
    update((x) => {
      const r = new Set<string>(x.schema.required ?? []);
      if (on) r.add(k);
      else r.delete(k);
      x.schema.required = [...r];
    });
  const applyJson = () => {
    try {
      const parsed = JSON.parse(json);
      if (!parsed.schema?.properties) throw new Error('缺少 schema.properties');
      update((x) => {
        x.schema = parsed.schema;
        x.uiSchema = parsed.uiSchema ?? {};
      });
      setJsonError(undefined);
    } catch (e) {
      setJsonError(`JSON 有误：${(e as Error).message}`);
    }
  };
  const publish = async () => {
    setErrors([]);
    try {
      const r = await api.post<Published>(`/api/admin/forms/${key}/versions`, { document: d });
      message.success(`已发布第 ${r.version} 版，新发起的案件将使用新版本`);
      setVersions([...versions, r.version]);
      doc.reset({ ...d, version: r.version });
    } catch (e) {
      if (e instanceof ApiError) setErrors(e.errors.length ? e.errors : [{ path: '', message: e.title }]);
    }
  };

  return (
    <Space direction="vertical" size={12} style={{ width: '100%' }}>
      <style>{`
        @keyframes zx-flash { 0%, 100% { background: transparent; } 50% { background: #fff1b8; } }
        .zx-flash { animation: zx-flash 0.8s ease-in-out 3; }
      `}</style>
      <Card
        title={
          <span>
            表单设计：{d.title.zh} <Tag>已发布 {versions.length} 个版本</Tag>
          </span>
        }
        extra={
          <Space>
            <Button icon={<UndoOutlined />} disabled={!doc.canUndo} onClick={doc.undo} aria-label="撤销">
              撤销
            </Button>
            <Button icon={<RedoOutlined />} disabled={!doc.canRedo} onClick={doc.redo} aria-label="重做">
              重做
            </Button>
            <VersionDiff kind="forms" docKey={key!} versions={versions} />
            <Button type="primary" onClick={publish}>
              发布新版本
            </Button>
          </Space>
        }
      >
        {errors.length > 0 && (
          <Alert
            type="error"
            showIcon
            message="不能发布"
            description={errors.map((e) => (
              <div key={e.path + e.message}>{e.message}</div>
            ))}
          />
        )}
      </Card>
      <Row gutter={12}>
        <Col xs={24} md={4}>
          <Card size="small" title="控件">
            <Space direction="vertical" style={{ width: '100%' }}>
              {PALETTE.map((p) => (
                <Button
                  key={p.kind}
                  block
                  draggable
                  onDragStart={(e) => e.dataTransfer.setData('text/plain', `palette:${p.kind}`)}
                  onClick={() => add(p)}
                >
                  {p.label}
                </Button>
              ))}
            </Space>
          </Card>
        </Col>
        <Col xs={24} md={8}>
          <Card
            size="small"
            title={`字段（${ordered.length}）`}
            styles={{ body: { maxHeight: 640, overflow: 'auto' } }}
          >
            <List
              size="small"
              dataSource={ordered}
              renderItem={(k) => (
                <FieldRow
                  k={k}
                  title={d.schema.properties[k].title ?? k}
                  required={required.has(k)}
                  selected={k === selected}
                  onSelect={setSelected}
                  onMove={move}
                  onRemove={remove}
                  onDrop={onDrop}
                />
              )}
            />
          </Card>
        </Col>
        <Col xs={24} md={12}>
          <Tabs
            activeKey={tab}
            onChange={setTab}
            items={[
              {
                key: 'props',
                label: '属性',
                children: field ? (
                  <Card size="small">
                    <Space direction="vertical" style={{ width: '100%' }}>
                      <label>
                        字段编码
                        <Input
                          defaultValue={selected}
                          key={selected}
                          onBlur={(e) => e.target.value !== selected && rename(selected!, e.target.value)}
                          aria-label="字段编码"
                        />
                      </label>
                      <label>
                        标签
                        <Input
                          value={field.title ?? ''}
                          onChange={(e) => setProp(selected!, 'title', e.target.value)}
                          aria-label="标签"
                        />
                      </label>
                      <label>
                        说明
                        <Input
                          value={field.description ?? ''}
                          onChange={(e) => setProp(selected!, 'description', e.target.value)}
                          aria-label="说明"
                        />
                      </label>
                      <Checkbox
                        checked={required.has(selected!)}
                        onChange={(e) => setRequired(selected!, e.target.checked)}
                      >
                        必填
                      </Checkbox>
                      {field.type === 'string' && (
                        <Space wrap>
                          <Select
                            style={{ width: 180 }}
                            value={field.format ?? ''}
                            onChange={(v) => setProp(selected!, 'format', v)}
                            aria-label="格式"
                            options={[
                              { value: '', label: '无格式' },
                              { value: 'resident-id', label: '身份证号' },
                              { value: 'mobile', label: '手机号码' },
                              { value: 'date', label: '日期' },
                            ]}
                          />
                          <Input
                            style={{ width: 200 }}
                            placeholder="正则表达式"
                            value={field.pattern ?? ''}
                            onChange={(e) => setProp(selected!, 'pattern', e.target.value)}
                            aria-label="正则"
                          />
                        </Space>
                      )}
                      {field.type === 'number' && (
                        <Space>
                          最小
                          <InputNumber
                            value={field.minimum}
                            onChange={(v) => setProp(selected!, 'minimum', v)}
                            aria-label="最小值"
                          />
                          最大
                          <InputNumber
                            value={field.maximum}
                            onChange={(v) => setProp(selected!, 'maximum', v)}
                            aria-label="最大值"
                          />
                        </Space>
                      )}
                      {(field.type === 'string' || field.type === 'number') &&
                        !field.format?.startsWith('attachment') && (
                          <label>
                            默认值
                            {field.type === 'number' ? (
                              <InputNumber
                                style={{ width: '100%' }}
                                value={field.default}
                                onChange={(v) => setProp(selected!, 'default', v ?? undefined)}
                                aria-label="默认值"
                              />
                            ) : (
                              <Input
                                value={field.default ?? ''}
                                onChange={(e) => setProp(selected!, 'default', e.target.value || undefined)}
                                aria-label="默认值"
                              />
                            )}
                          </label>
                        )}
                      {field['x-visibleWhen'] === undefined ? (
                        <Button
                          size="small"
                          onClick={() =>
                            setProp(selected!, 'x-visibleWhen', {
                              '==': [{ var: ordered.find((k) => k !== selected) ?? '' }, ''],
                            })
                          }
                        >
                          设置显示条件
                        </Button>
                      ) : (
                        <>
                          <ConditionBuilder
                            key={`vis-${selected}`}
                            label="显示条件"
                            value={field['x-visibleWhen']}
                            variables={ordered.filter((k) => k !== selected)}
                            params={[]}
                            onChange={(v) => setProp(selected!, 'x-visibleWhen', v)}
                          />
                          <Button size="small" onClick={() => setProp(selected!, 'x-visibleWhen', undefined)}>
                            取消显示条件（始终显示）
                          </Button>
                        </>
                      )}
                      {field.type === 'number' && (
                        <FormulaBuilder
                          key={selected}
                          field={selected!}
                          logic={(d.derived ?? []).find((x: { path: string }) => x.path === selected)?.logic}
                          numberFields={ordered
                            .filter((k) => k !== selected && d.schema.properties[k].type === 'number')
                            .map((k) => ({ key: k, title: d.schema.properties[k].title ?? k }))}
                          tableFields={ordered
                            .filter(
                              (k) =>
                                d.schema.properties[k].type === 'array' &&
                                d.schema.properties[k].items?.type === 'object',
                            )
                            .map((k) => ({ key: k, title: d.schema.properties[k].title ?? k }))}
                          onSave={(logic, title) =>
                            update((x) => {
                              x.derived = [
                                ...(x.derived ?? []).filter((e: { path: string }) => e.path !== selected),
                                { path: selected!, title, logic },
                              ];
                            })
                          }
                          onClear={() =>
                            update((x) => {
                              x.derived = (x.derived ?? []).filter(
                                (e: { path: string }) => e.path !== selected,
                              );
                            })
                          }
                        />
                      )}
                      {'x-codelist' in field && (
                        <label>
                          代码表
                          <Select
                            style={{ width: '100%' }}
                            value={field['x-codelist']}
                            onChange={(v) => setProp(selected!, 'x-codelist', v)}
                            aria-label="代码表"
                            options={lists.map((l) => ({ value: l.key, label: `${l.title.zh}（${l.key}）` }))}
                          />
                        </label>
                      )}
                    </Space>
                  </Card>
                ) : (
                  <Empty description="选择左侧字段以编辑属性" />
                ),
              },
              {
                key: 'preview',
                label: '预览',
                children: (
                  <Card size="small">
                    {preview && (
                      <FormView key={JSON.stringify(d.schema).length + ordered.join()} doc={preview} />
                    )}
                  </Card>
                ),
              },
              {
                key: 'json',
                label: 'JSON',
                children: (
                  <Card size="small">
                    {jsonError && <Alert type="error" message={jsonError} />}
                    <Input.TextArea
                      value={json}
                      onChange={(e) => setJson(e.target.value)}
                      rows={22}
                      style={{ fontFamily: 'monospace', fontSize: 12 }}
                      aria-label="表单JSON"
                    />
                    <Button style={{ marginTop: 8 }} onClick={applyJson}>
                      应用 JSON
                    </Button>
                  </Card>
                ),
              },
            ]}
          />
        </Col>
      </Row>
    </Space>
  );
}

/** One row of the field list; memoised on what it shows, so typing a label re-renders one row, not 120. */
const FieldRow = memo(
  function FieldRow(p: {
    k: string;
    title: string;
    required: boolean;
    selected: boolean;
    onSelect: (k: string) => void;
    onMove: (k: string, d: number) => void;
    onRemove: (k: string) => void;
    onDrop: (payload: string, target: string) => void;
  }) {
    const { k } = p;
    const [over, setOver] = useState(false);
    return (
      <List.Item
        data-field={k}
        draggable
        onDragStart={(e) => e.dataTransfer.setData('text/plain', `field:${k}`)}
        onDragOver={(e) => (e.preventDefault(), setOver(true))}
        onDragLeave={() => setOver(false)}
        onDrop={(e) => (
          e.preventDefault(),
          setOver(false),
          p.onDrop(e.dataTransfer.getData('text/plain'), k)
        )}
        onClick={() => p.onSelect(k)}
        style={{
          cursor: 'grab',
          background: p.selected ? '#fff1f0' : undefined,
          paddingLeft: 8,
          borderTop: over ? '2px solid #a61d24' : undefined,
        }}
        actions={[
          <Button
            key="u"
            size="small"
            type="text"
            icon={<ArrowUpOutlined />}
            aria-label="上移"
            onClick={(e) => (e.stopPropagation(), p.onMove(k, -1))}
          />,
          <Button
            key="d"
            size="small"
            type="text"
            icon={<ArrowDownOutlined />}
            aria-label="下移"
            onClick={(e) => (e.stopPropagation(), p.onMove(k, 1))}
          />,
          <Button
            key="x"
            size="small"
            type="text"
            danger
            icon={<DeleteOutlined />}
            aria-label="删除"
            onClick={(e) => (e.stopPropagation(), p.onRemove(k))}
          />,
        ]}
      >
        <span>
          {p.title} {p.required && <Tag color="red">必填</Tag>}
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {' '}
            {k}
          </Typography.Text>
        </span>
      </List.Item>
    );
  },
  (a, b) => a.k === b.k && a.title === b.title && a.required === b.required && a.selected === b.selected,
);
