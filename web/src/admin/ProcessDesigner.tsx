/**
 * 流程设计器 an administrator changes an approval chain without code: the
 * steps as a graph, a palette of step types, a properties panel (assignee,
 * mode, co-signers, SLA, notice days and calendar, form, activity inputs,
 * conditions, actions), validation errors shown on the offending step, and
 * publishing a new version (running cases keep theirs).
 */
import { useEffect, useMemo, useState } from 'react';
import { useParams } from 'react-router-dom';
import {
  ReactFlow,
  Background,
  Controls,
  MarkerType,
  type Connection,
  type Edge,
  type Node,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import {
  Alert,
  App,
  AutoComplete,
  Button,
  Card,
  Checkbox,
  Col,
  Input,
  InputNumber,
  Row,
  Select,
  Space,
  Spin,
  Tag,
  Typography,
} from 'antd';
import { RedoOutlined, UndoOutlined } from '@ant-design/icons';
import { api, ApiError } from '../api';
import { transitions, type ProcessDefinition, type Step } from '../../../workflows/definition';
import { useHistory } from './useHistory';
import { layout } from './layout';
import { VersionDiff } from './VersionDiff';
import { ConditionBuilder } from './ConditionBuilder';

const TYPE_ZH: Record<string, string> = {
  task: '人工审批',
  notice: '公示',
  activity: '自动活动',
  decision: '条件分支',
  parallel: '并行',
  end: '结束',
};
const COLORS: Record<string, string> = {
  task: '#e6f4ff',
  notice: '#fff7e6',
  activity: '#f6ffed',
  decision: '#f9f0ff',
  parallel: '#e6fffb',
  end: '#f5f5f5',
};
const LEVELS = [
  { value: 'village', label: '村' },
  { value: 'township', label: '乡镇' },
  { value: 'county', label: '县' },
];
/** 分阶段填写 the stages of 附件2 (other forms name their own) */
const STAGE_LABELS: Record<string, string> = {
  identification: '识别阶段',
  measures: '帮扶措施阶段',
  elimination: '风险消除阶段',
};

function newStep(type: Step['type'], id: string): Step {
  const title = { zh: TYPE_ZH[type] };
  switch (type) {
    case 'task':
      return {
        id,
        type,
        title,
        assignee: { role: 'township_reviewer', level: 'township' },
        mode: 'any',
        actions: [{ id: 'approve', kind: 'approve', label: { zh: '同意' }, next: '' }],
      } as Step;
    case 'notice':
      return {
        id,
        type,
        title,
        level: 'village',
        days: 7,
        calendar: 'calendar',
        next: '',
        onObjection: '',
      } as Step;
    case 'activity':
      return { id, type, title, activity: 'notify', input: { message: '' }, next: '' } as Step;
    case 'decision':
      return { id, type, title, branches: [{ when: { '==': [1, 1] }, next: '' }], otherwise: '' } as Step;
    case 'parallel':
      return { id, type, title, join: 'all', branches: [], next: '' } as unknown as Step;
    case 'end':
      return { id, type, title: { zh: '结束' }, outcome: 'approved' } as Step;
  }
}

export default function ProcessDesigner() {
  const { key } = useParams();
  const { message } = App.useApp();
  const def = useHistory<ProcessDefinition | null>(null);
  const [selected, setSelected] = useState<string>();
  const [errors, setErrors] = useState<{ stepId?: string; path: string; message: string }[]>([]);
  const [meta, setMeta] = useState<{
    forms: string[];
    roles: { key: string; title: { zh: string } }[];
    activities: any[];
    versions: number[];
  }>({ forms: [], roles: [], activities: [], versions: [] });
  const [opened, setOpened] = useState<number>();
  // what a condition can test: the fields of the forms this process collects, what its activities store, the yearly parameters
  const [params, setParams] = useState<string[]>([]);
  // per form used by this process: its top-level fields and the stages it is filled in
  const [formInfo, setFormInfo] = useState<Record<string, { fields: string[]; stages: string[] }>>({});
  useEffect(() => {
    api
      .get('/api/admin/parameters')
      .then((r) => setParams([...new Set<string>(r.items.map((p: { key: string }) => p.key))]));
  }, []);
  const stores = useMemo(() => {
    const out: { store: string; form?: string }[] = [];
    for (const s of def.value?.steps ?? []) {
      if (s.type === 'task' && s.form) out.push({ store: s.store ?? s.form.key, form: s.form.key });
      if (s.type === 'activity' && s.store) out.push({ store: s.store });
    }
    return out;
  }, [def.value]);
  useEffect(() => {
    for (const f of new Set(stores.map((x) => x.form).filter(Boolean) as string[])) {
      if (formInfo[f]) continue;
      api
        .get(`/api/forms/${f}`)
        .then((r) =>
          setFormInfo((m) => ({
            ...m,
            [f]: { fields: Object.keys(r.latest.schema.properties ?? {}), stages: r.latest.stages ?? [] },
          })),
        )
        .catch(() => {});
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [stores]);
  const variables = useMemo(
    () =>
      [
        ...new Set(
          stores.flatMap((x) =>
            x.form
              ? (formInfo[x.form]?.fields ?? []).map((f) => `data.${x.store}.${f}`)
              : [`data.${x.store}`],
          ),
        ),
      ].sort(),
    [stores, formInfo],
  );

  useEffect(() => {
    const t0 = performance.now();
    Promise.all([
      api.get('/api/admin/processes'),
      api.get('/api/admin/forms'),
      api.get('/api/admin/roles'),
      api.get('/api/admin/activities'),
    ]).then(async ([p, f, r, a]) => {
      const versions = p.items
        .filter((x: any) => x.key === key && x.status === 'published')
        .map((x: any) => x.version);
      const latest = await api.get(`/api/admin/processes/${key}/versions/${Math.max(...versions)}`);
      setMeta({
        forms: [...new Set<string>(f.items.map((x: any) => x.key))],
        roles: r.items,
        activities: a.items,
        versions,
      });
      def.reset(latest.definition);
      setOpened(Math.round(performance.now() - t0));
    });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);

  const d = def.value;
  const { nodes, edges } = useMemo(() => {
    if (!d) return { nodes: [] as Node[], edges: [] as Edge[] };
    const pos = layout(d);
    const errorsOf = (id: string) => errors.filter((e) => e.stepId === id);
    const nodes: Node[] = d.steps.map((s) => {
      const errs = errorsOf(s.id);
      return {
        id: s.id,
        position: pos[s.id],
        data: {
          label: (
            <div data-step={s.id}>
              <div style={{ fontSize: 11, color: '#888' }}>{TYPE_ZH[s.type]}</div>
              <div style={{ fontWeight: 600 }}>{s.title.zh}</div>
              {s.type === 'task' && (
                <div style={{ fontSize: 11 }}>
                  {(s as any).mode === 'all' ? '会签' : (s as any).mode === 'sequential' ? '依次' : '或签'}
                </div>
              )}
              {s.type === 'notice' && (
                <div style={{ fontSize: 11 }}>
                  {typeof (s as any).days === 'number' ? `${(s as any).days}天` : '按参数'}
                </div>
              )}
              {errs.map((e) => (
                <div
                  key={e.path + e.message}
                  role="alert"
                  style={{ color: '#cf1322', fontSize: 11, marginTop: 4 }}
                >
                  {e.message.replace(/^步骤“[^”]*”\([^)]*\)：/, '')}
                </div>
              ))}
            </div>
          ),
        },
        style: {
          background: COLORS[s.type],
          border: `2px solid ${errs.length ? '#cf1322' : s.id === selected ? '#a61d24' : '#d9d9d9'}`,
          width: 190,
          borderRadius: 8,
        },
      };
    });
    const edges: Edge[] = d.steps.flatMap((s) =>
      transitions(s)
        .filter((t) => t.target && t.target !== '$join')
        .map((t) => ({
          id: `${s.id}:${t.path}`,
          source: s.id,
          target: t.target,
          label: edgeLabel(s, t.path),
          markerEnd: { type: MarkerType.ArrowClosed },
          style: t.path.includes('return') ? { strokeDasharray: '4 3' } : undefined,
        })),
    );
    return { nodes, edges };
  }, [d, errors, selected]);

  if (!d) return <Spin style={{ display: 'block', margin: 48 }} />;
  const step = d.steps.find((s) => s.id === selected) as any;
  const update = (fn: (x: ProcessDefinition) => void) =>
    def.set((cur) => {
      const next = structuredClone(cur!);
      fn(next);
      return next;
    });
  const setStep = (patch: (s: any) => void) => update((x) => patch(x.steps.find((s) => s.id === selected)));
  const add = (type: Step['type']) => {
    let n = 1;
    while (d.steps.some((s) => s.id === `${type}_${n}`)) n++;
    update((x) => x.steps.push(newStep(type, `${type}_${n}`)));
    setSelected(`${type}_${n}`);
  };
  const onConnect = (c: Connection) =>
    update((x) => {
      const s: any = x.steps.find((st) => st.id === c.source);
      if (!s || !c.target) return;
      if (s.type === 'task') s.actions[0].next = c.target;
      else if (s.type === 'decision') s.otherwise = c.target;
      else if ('next' in s) s.next = c.target;
    });
  const validate = async () => {
    const r = await api.post('/api/admin/processes/validate', { definition: d });
    setErrors(r.errors);
    if (r.ok) message.success('校验通过');
    return r.ok;
  };
  const publish = async () => {
    try {
      const r = await api.post(`/api/admin/processes/${key}/versions`, { definition: d });
      setErrors([]);
      message.success(`已发布第 ${r.version} 版；进行中的案件仍按原版本办理`);
      setMeta({ ...meta, versions: [...meta.versions, r.version] });
    } catch (e) {
      if (e instanceof ApiError) setErrors(e.errors as any);
    }
  };
  const targets = [
    ...d.steps
      .filter((s) => s.id !== selected)
      .map((s) => ({ value: s.id, label: `${s.title.zh}（${s.id}）` })),
    // a step inside a parallel branch ends its branch by going to the join
    ...(d.steps.some((s) => s.type === 'parallel') ? [{ value: '$join', label: '汇合（结束本分支）' }] : []),
  ];

  return (
    <Space direction="vertical" size={12} style={{ width: '100%' }}>
      <Card
        title={
          <span>
            流程设计：{d.title.zh} <Tag>已发布 {meta.versions.length} 个版本</Tag>
            {opened !== undefined && (
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                打开耗时 {opened} ms · {d.steps.length} 个步骤
              </Typography.Text>
            )}
          </span>
        }
        extra={
          <Space wrap>
            {(['task', 'notice', 'activity', 'decision', 'parallel', 'end'] as const).map((t) => (
              <Button key={t} onClick={() => add(t)}>
                + {TYPE_ZH[t]}
              </Button>
            ))}
            <Button icon={<UndoOutlined />} disabled={!def.canUndo} onClick={def.undo}>
              撤销
            </Button>
            <Button icon={<RedoOutlined />} disabled={!def.canRedo} onClick={def.redo}>
              重做
            </Button>
            <Button onClick={validate}>校验</Button>
            <VersionDiff kind="processes" docKey={key!} versions={meta.versions} />
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
            message={`有 ${errors.length} 处问题，不能发布`}
            description={errors.slice(0, 6).map((e) => (
              <div key={e.path + e.message}>{e.message}</div>
            ))}
          />
        )}
      </Card>
      <Row gutter={12}>
        <Col xs={24} lg={16}>
          <div style={{ height: 620, background: '#fff', borderRadius: 8 }} aria-label="流程图">
            <ReactFlow
              nodes={nodes}
              edges={edges}
              onNodeClick={(_e, n) => setSelected(n.id)}
              onConnect={onConnect}
              fitView
              minZoom={0.2}
            >
              <Background />
              <Controls />
            </ReactFlow>
          </div>
        </Col>
        <Col xs={24} lg={8}>
          <Card size="small" title={step ? `步骤属性：${step.title.zh}` : '步骤属性'}>
            {!step ? (
              <Typography.Text type="secondary">点击流程图中的步骤以编辑</Typography.Text>
            ) : (
              <Space direction="vertical" style={{ width: '100%' }}>
                <label>
                  名称
                  <Input
                    value={step.title.zh}
                    onChange={(e) => setStep((s) => (s.title.zh = e.target.value))}
                    aria-label="步骤名称"
                  />
                </label>
                {step.type === 'task' && (
                  <>
                    <label>
                      办理人
                      <Select
                        style={{ width: '100%' }}
                        aria-label="办理人类型"
                        value={step.assignee.posts ? 'posts' : 'role'}
                        options={[
                          { value: 'role', label: '按角色' },
                          { value: 'posts', label: '按岗位会签（每个岗位各签一次）' },
                        ]}
                        onChange={(v) =>
                          setStep((s) => {
                            const level = s.assignee.level ?? s.assignee.posts?.[0]?.level ?? 'township';
                            const role = s.assignee.role ?? s.assignee.posts?.[0]?.role ?? meta.roles[0]?.key;
                            s.assignee = v === 'posts' ? { posts: [{ role, level }] } : { role, level };
                            if (v === 'posts') delete s.mode;
                          })
                        }
                      />
                    </label>
                    {step.assignee.posts ? (
                      <>
                        <label>
                          签署岗位
                          <Select
                            mode="multiple"
                            style={{ width: '100%' }}
                            aria-label="签署岗位"
                            value={step.assignee.posts.map((x: { role: string }) => x.role)}
                            onChange={(v: string[]) =>
                              setStep(
                                (s) =>
                                  (s.assignee.posts = v.map((role) => ({
                                    role,
                                    level: s.assignee.posts[0]?.level ?? 'township',
                                  }))),
                              )
                            }
                            options={meta.roles.map((r) => ({ value: r.key, label: r.title.zh }))}
                          />
                        </label>
                        <label>
                          所在层级
                          <Select
                            style={{ width: '100%' }}
                            value={step.assignee.posts[0]?.level}
                            aria-label="所在层级"
                            options={LEVELS}
                            onChange={(v) =>
                              setStep(
                                (s) =>
                                  (s.assignee.posts = s.assignee.posts.map((x: { role: string }) => ({
                                    ...x,
                                    level: v,
                                  }))),
                              )
                            }
                          />
                        </label>
                      </>
                    ) : (
                      <>
                        <label>
                          办理角色
                          <Select
                            style={{ width: '100%' }}
                            value={step.assignee.role}
                            onChange={(v) => setStep((s) => (s.assignee.role = v))}
                            aria-label="办理角色"
                            options={meta.roles.map((r) => ({ value: r.key, label: r.title.zh }))}
                          />
                        </label>
                        <label>
                          所在层级
                          <Select
                            style={{ width: '100%' }}
                            value={step.assignee.level}
                            onChange={(v) => setStep((s) => (s.assignee.level = v))}
                            aria-label="所在层级"
                            options={LEVELS}
                          />
                        </label>
                        <label>
                          审批方式
                          <Select
                            style={{ width: '100%' }}
                            value={step.mode ?? 'any'}
                            onChange={(v) => setStep((s) => (s.mode = v))}
                            aria-label="审批方式"
                            options={[
                              { value: 'any', label: '或签（一人办理即可）' },
                              { value: 'all', label: '会签（全部人员办理）' },
                              { value: 'sequential', label: '依次审批' },
                            ]}
                          />
                        </label>
                      </>
                    )}
                    <label>
                      至少不同人数
                      <InputNumber
                        min={1}
                        value={
                          typeof step.minDistinctActors === 'number' ? step.minDistinctActors : undefined
                        }
                        placeholder={step.minDistinctActors?.param ?? '1'}
                        onChange={(v) =>
                          setStep((s) => (v ? (s.minDistinctActors = v) : delete s.minDistinctActors))
                        }
                        aria-label="至少不同人数"
                      />
                    </label>
                    <label>
                      表单
                      <Select
                        allowClear
                        style={{ width: '100%' }}
                        value={step.form?.key}
                        onChange={(v) => setStep((s) => (v ? (s.form = { key: v }) : delete s.form))}
                        aria-label="表单"
                        options={meta.forms.map((f) => ({ value: f, label: f }))}
                      />
                    </label>
                    {step.form && (formInfo[step.form.key]?.stages ?? []).length > 0 && (
                      <label>
                        填写阶段
                        <Select
                          allowClear
                          style={{ width: '100%' }}
                          value={step.form.stage}
                          placeholder="全部字段"
                          aria-label="填写阶段"
                          onChange={(v) => setStep((s) => (v ? (s.form!.stage = v) : delete s.form!.stage))}
                          options={(formInfo[step.form.key]?.stages ?? []).map((x) => ({
                            value: x,
                            label: STAGE_LABELS[x] ?? x,
                          }))}
                        />
                      </label>
                    )}
                    <label>
                      办理时限（天）
                      <InputNumber
                        min={1}
                        value={step.sla?.days}
                        onChange={(v) =>
                          setStep((s) => (v ? (s.sla = { ...(s.sla ?? {}), days: v }) : delete s.sla))
                        }
                        aria-label="办理时限"
                      />
                    </label>
                    {step.form && (formInfo[step.form.key]?.fields ?? []).length > 0 && (
                      <details>
                        <summary>字段权限（本步骤）</summary>
                        <Space
                          direction="vertical"
                          size={2}
                          style={{ width: '100%', maxHeight: 220, overflow: 'auto' }}
                        >
                          {(formInfo[step.form.key]?.fields ?? []).map((f) => (
                            <Space key={f} size={4}>
                              <Typography.Text style={{ width: 110, display: 'inline-block' }} ellipsis>
                                {f}
                              </Typography.Text>
                              <Select
                                size="small"
                                style={{ width: 110 }}
                                aria-label={`字段权限 ${f}`}
                                value={step.fieldPermissions?.[f] ?? 'edit'}
                                options={[
                                  { value: 'edit', label: '可编辑' },
                                  { value: 'readonly', label: '只读' },
                                  { value: 'hidden', label: '隐藏' },
                                ]}
                                onChange={(v) =>
                                  setStep((s) => {
                                    const perms = { ...(s.fieldPermissions ?? {}) };
                                    if (v === 'edit') delete perms[f];
                                    else perms[f] = v;
                                    if (Object.keys(perms).length) s.fieldPermissions = perms;
                                    else delete s.fieldPermissions;
                                  })
                                }
                              />
                            </Space>
                          ))}
                        </Space>
                      </details>
                    )}
                    <Typography.Text strong>操作</Typography.Text>
                    {step.actions.map((a: any, i: number) => (
                      <Space key={i} wrap>
                        <Input
                          style={{ width: 90 }}
                          value={a.label.zh}
                          onChange={(e) => setStep((s) => (s.actions[i].label.zh = e.target.value))}
                          aria-label={`操作${i + 1}名称`}
                        />
                        {a.kind === 'return' ? (
                          <Select
                            mode="multiple"
                            style={{ width: 180 }}
                            value={a.returnTargets}
                            onChange={(v) => setStep((s) => (s.actions[i].returnTargets = v))}
                            options={targets}
                            aria-label={`操作${i + 1}退回到`}
                          />
                        ) : (
                          <Select
                            style={{ width: 180 }}
                            value={a.next || undefined}
                            placeholder="下一步"
                            onChange={(v) => setStep((s) => (s.actions[i].next = v))}
                            options={targets}
                            aria-label={`操作${i + 1}下一步`}
                          />
                        )}
                        <Checkbox
                          checked={!!a.commentRequired}
                          onChange={(e) =>
                            setStep((s) =>
                              e.target.checked
                                ? (s.actions[i].commentRequired = true)
                                : delete s.actions[i].commentRequired,
                            )
                          }
                          aria-label={`操作${i + 1}必须填写意见`}
                        >
                          须填意见
                        </Checkbox>
                        {step.actions.length > 1 && (
                          <Button
                            size="small"
                            type="text"
                            danger
                            onClick={() => setStep((s) => s.actions.splice(i, 1))}
                          >
                            删除
                          </Button>
                        )}
                      </Space>
                    ))}
                    <Space wrap>
                      {(
                        [
                          ['approve', '同意'],
                          ['reject', '不同意'],
                          ['return', '退回'],
                          ['submit', '提交'],
                        ] as const
                      ).map(([kind, zh]) => (
                        <Button
                          key={kind}
                          size="small"
                          onClick={() =>
                            setStep((s) => {
                              let id: string = kind;
                              for (let n = 2; s.actions.some((x: any) => x.id === id); n++)
                                id = `${kind}${n}`;
                              s.actions.push(
                                kind === 'return'
                                  ? {
                                      id,
                                      kind,
                                      label: { zh },
                                      returnTargets: [],
                                      commentRequired: true,
                                      requiresForm: false,
                                    }
                                  : {
                                      id,
                                      kind,
                                      label: { zh },
                                      next: '',
                                      ...(kind === 'reject'
                                        ? { commentRequired: true, requiresForm: false }
                                        : {}),
                                    },
                              );
                            })
                          }
                        >
                          + {zh}
                        </Button>
                      ))}
                    </Space>
                    <Typography.Text strong>超时</Typography.Text>
                    <Space wrap>
                      提前
                      <InputNumber
                        min={0}
                        style={{ width: 70 }}
                        value={step.sla?.remindBeforeDays}
                        disabled={!step.sla}
                        onChange={(v) =>
                          setStep((s) => {
                            if (s.sla) {
                              if (v === null || v === undefined) delete s.sla.remindBeforeDays;
                              else s.sla.remindBeforeDays = v;
                            }
                          })
                        }
                        aria-label="提前提醒天数"
                      />
                      天提醒；超时后转
                      <Select
                        allowClear
                        style={{ width: 170 }}
                        disabled={!step.sla}
                        value={step.sla?.escalateTo?.role}
                        placeholder="（不升级）"
                        aria-label="超时升级到角色"
                        options={meta.roles.map((r) => ({ value: r.key, label: r.title.zh }))}
                        onChange={(v) =>
                          setStep((s) => {
                            if (!s.sla) return;
                            if (v)
                              s.sla.escalateTo = { role: v, level: s.sla.escalateTo?.level ?? 'township' };
                            else delete s.sla.escalateTo;
                          })
                        }
                      />
                      <Select
                        style={{ width: 90 }}
                        disabled={!step.sla?.escalateTo}
                        value={step.sla?.escalateTo?.level}
                        options={LEVELS}
                        aria-label="超时升级到层级"
                        onChange={(v) =>
                          setStep((s) => {
                            if (s.sla?.escalateTo) s.sla.escalateTo.level = v;
                          })
                        }
                      />
                    </Space>
                  </>
                )}
                {step.type === 'notice' && (
                  <>
                    <label>
                      公示层级
                      <Select
                        style={{ width: '100%' }}
                        value={step.level}
                        onChange={(v) => setStep((s) => (s.level = v))}
                        options={LEVELS}
                        aria-label="公示层级"
                      />
                    </label>
                    <label>
                      公示天数
                      <InputNumber
                        min={1}
                        value={typeof step.days === 'number' ? step.days : undefined}
                        placeholder={step.days?.param}
                        onChange={(v) => v && setStep((s) => (s.days = v))}
                        aria-label="公示天数"
                      />
                    </label>
                    <label>
                      计算方式
                      <Select
                        style={{ width: '100%' }}
                        value={typeof step.calendar === 'string' ? step.calendar : 'param'}
                        onChange={(v) =>
                          setStep((s) => (s.calendar = v === 'param' ? { param: 'noticeCalendar' } : v))
                        }
                        aria-label="计算方式"
                        options={[
                          { value: 'calendar', label: '自然日' },
                          { value: 'working', label: '工作日' },
                          { value: 'param', label: '按政策参数' },
                        ]}
                      />
                    </label>
                    <label>
                      公示期满
                      <Select
                        style={{ width: '100%' }}
                        value={step.next || undefined}
                        onChange={(v) => setStep((s) => (s.next = v))}
                        options={targets}
                        aria-label="公示期满下一步"
                      />
                    </label>
                    <label>
                      有异议时
                      <Select
                        style={{ width: '100%' }}
                        value={step.onObjection || undefined}
                        onChange={(v) => setStep((s) => (s.onObjection = v))}
                        options={targets}
                        aria-label="有异议时"
                      />
                    </label>
                  </>
                )}
                {step.type === 'activity' && (
                  <>
                    <label>
                      活动
                      <Select
                        style={{ width: '100%' }}
                        value={step.activity}
                        onChange={(v) => setStep((s) => (s.activity = v))}
                        options={meta.activities.map((a) => ({ value: a.name, label: a.title.zh }))}
                        aria-label="活动"
                      />
                    </label>
                    {(() => {
                      // the activity's input, field by field from its schema: a case value (path) or JSON Logic
                      const schema = meta.activities.find((a) => a.name === step.activity)?.inputSchema;
                      const props = Object.entries(
                        (schema?.properties ?? {}) as Record<
                          string,
                          { title?: string; type?: string | string[] }
                        >,
                      );
                      if (!props.length) return null;
                      const required: string[] = schema?.required ?? [];
                      return (
                        <Space direction="vertical" size={4} style={{ width: '100%' }}>
                          <Typography.Text type="secondary">输入（按活动的输入定义逐项映射）</Typography.Text>
                          {props.map(([k, p]) => {
                            const cur = step.input?.[k];
                            const isVar =
                              cur &&
                              typeof cur === 'object' &&
                              typeof cur.var === 'string' &&
                              Object.keys(cur).length === 1;
                            return (
                              <label key={k}>
                                {required.includes(k) ? <span style={{ color: '#ff4d4f' }}>* </span> : null}
                                {p.title ?? k}（{k}）
                                {cur === undefined || isVar ? (
                                  <AutoComplete
                                    style={{ width: '100%' }}
                                    aria-label={`输入 ${k}`}
                                    value={isVar ? cur.var : ''}
                                    placeholder="取值路径，如 data.collection.A38 或 case.org.id"
                                    options={[
                                      ...variables,
                                      'case.org.id',
                                      'case.subject.id',
                                      'case.subject.name',
                                    ].map((v) => ({ value: v }))}
                                    filterOption={(input, o) => String(o?.value ?? '').includes(input)}
                                    onChange={(v) =>
                                      setStep((s) => {
                                        s.input = { ...(s.input ?? {}) };
                                        if (v) s.input[k] = { var: v };
                                        else delete s.input[k];
                                      })
                                    }
                                  />
                                ) : (
                                  <Input.TextArea
                                    rows={2}
                                    defaultValue={JSON.stringify(cur)}
                                    key={`${step.id}-${k}`}
                                    aria-label={`输入 ${k}（JSON Logic）`}
                                    onBlur={(e) => {
                                      try {
                                        const v = JSON.parse(e.target.value);
                                        setStep((s) => {
                                          s.input = { ...(s.input ?? {}), [k]: v };
                                        });
                                      } catch {
                                        message.error(`“${k}”不是合法 JSON`);
                                      }
                                    }}
                                  />
                                )}
                              </label>
                            );
                          })}
                        </Space>
                      );
                    })()}
                    <details>
                      <summary>全部输入（JSON Logic）</summary>
                      <Input.TextArea
                        rows={5}
                        defaultValue={JSON.stringify(step.input, null, 1)}
                        key={`${step.id}-${JSON.stringify(step.input).length}`}
                        onBlur={(e) => {
                          try {
                            const v = JSON.parse(e.target.value);
                            setStep((s) => (s.input = v));
                          } catch {
                            message.error('输入映射不是合法 JSON');
                          }
                        }}
                        aria-label="输入映射"
                      />
                    </details>
                    <label>
                      下一步
                      <Select
                        style={{ width: '100%' }}
                        value={step.next || undefined}
                        onChange={(v) => setStep((s) => (s.next = v))}
                        options={targets}
                        aria-label="下一步"
                      />
                    </label>
                  </>
                )}
                {step.type === 'decision' && (
                  <>
                    {step.branches.map((b: any, i: number) => (
                      <div key={i}>
                        <ConditionBuilder
                          key={`${step.id}-${i}`}
                          label={`条件${i + 1}`}
                          value={b.when}
                          variables={variables}
                          params={params}
                          onChange={(v) => setStep((s) => (s.branches[i].when = v))}
                        />
                        <Select
                          style={{ width: '100%' }}
                          value={b.next || undefined}
                          onChange={(v) => setStep((s) => (s.branches[i].next = v))}
                          options={targets}
                          aria-label={`条件${i + 1}成立时`}
                        />
                      </div>
                    ))}
                    <Button
                      size="small"
                      onClick={() =>
                        setStep((s) =>
                          s.branches.push({
                            when: { '==': [{ var: variables[0] ?? 'data.' }, ''] },
                            next: '',
                          }),
                        )
                      }
                    >
                      + 添加分支
                    </Button>
                    <label>
                      否则
                      <Select
                        style={{ width: '100%' }}
                        value={step.otherwise || undefined}
                        onChange={(v) => setStep((s) => (s.otherwise = v))}
                        options={targets}
                        aria-label="否则"
                      />
                    </label>
                  </>
                )}
                {step.type === 'parallel' && (
                  <>
                    <label>
                      汇合方式
                      <Select
                        style={{ width: '100%' }}
                        value={step.join}
                        onChange={(v) => setStep((s) => (s.join = v))}
                        aria-label="汇合方式"
                        options={[
                          { value: 'all', label: '全部分支完成后继续（会办）' },
                          { value: 'any', label: '任一分支完成即继续' },
                        ]}
                      />
                    </label>
                    {step.branches.map((b: any, i: number) => (
                      <Space key={i} wrap size={4}>
                        <Input
                          style={{ width: 130 }}
                          placeholder="分支名称"
                          value={b.title?.zh ?? ''}
                          aria-label={`分支${i + 1}名称`}
                          onChange={(e) =>
                            setStep((s) => (s.branches[i].title = { zh: e.target.value, en: e.target.value }))
                          }
                        />
                        <Select
                          style={{ width: 180 }}
                          value={b.start || undefined}
                          placeholder="分支第一步"
                          options={targets}
                          aria-label={`分支${i + 1}第一步`}
                          onChange={(v) => setStep((s) => (s.branches[i].start = v))}
                        />
                        <Button
                          size="small"
                          type="text"
                          danger
                          onClick={() => setStep((s) => s.branches.splice(i, 1))}
                        >
                          删除
                        </Button>
                      </Space>
                    ))}
                    <Button
                      size="small"
                      onClick={() =>
                        setStep((s) =>
                          s.branches.push({
                            id: `b${s.branches.length + 1}`,
                            title: {
                              zh: `分支${s.branches.length + 1}`,
                              en: `branch ${s.branches.length + 1}`,
                            },
                            start: '',
                          }),
                        )
                      }
                    >
                      + 添加分支
                    </Button>
                    <Typography.Text type="secondary">分支内各步骤以“汇合”（$join）结束</Typography.Text>
                    <label>
                      汇合后下一步
                      <Select
                        style={{ width: '100%' }}
                        value={step.next || undefined}
                        onChange={(v) => setStep((s) => (s.next = v))}
                        options={targets}
                        aria-label="汇合后下一步"
                      />
                    </label>
                  </>
                )}
                {step.type === 'end' && (
                  <label>
                    结果
                    <Select
                      style={{ width: '100%' }}
                      value={step.outcome}
                      onChange={(v) => setStep((s) => (s.outcome = v))}
                      aria-label="结果"
                      options={[
                        { value: 'approved', label: '通过' },
                        { value: 'rejected', label: '不通过' },
                        { value: 'refused', label: '不予办理' },
                        { value: 'completed', label: '完成' },
                      ]}
                    />
                  </label>
                )}
                <Button
                  danger
                  onClick={() => {
                    update((x) => {
                      x.steps = x.steps.filter((s) => s.id !== selected);
                    });
                    setSelected(undefined);
                  }}
                >
                  删除此步骤
                </Button>
              </Space>
            )}
          </Card>
        </Col>
      </Row>
    </Space>
  );
}

function edgeLabel(s: Step, path: string): string | undefined {
  if (s.type === 'task') {
    const i = Number(path.split('/')[1]);
    return (s.actions[i]?.label.zh ?? '') + (path.includes('returnTargets') ? '（退回）' : '');
  }
  if (s.type === 'notice') return path === 'onObjection' ? '有异议' : '期满';
  if (s.type === 'decision') return path === 'otherwise' ? '否则' : '满足条件';
  return undefined;
}
