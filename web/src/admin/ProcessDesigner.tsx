/**
 * 流程设计器 an administrator changes an approval chain without code: the
 * steps as a top-down graph (dagre layout, readable at the first view) or as a
 * simple vertical list, a palette of step types, one properties panel per step
 * kind (step-panels/), validation errors in plain Chinese naming the step —
 * clicking one selects the step — and publishing a new version after
 * confirming a summary of the changes (running cases keep theirs).
 */
import { memo, useEffect, useMemo, useRef, useState } from 'react';
import { useParams } from 'react-router-dom';
import {
  ReactFlow,
  ReactFlowProvider,
  Background,
  BaseEdge,
  Controls,
  Handle,
  MarkerType,
  Position,
  useReactFlow,
  type Connection,
  type Edge,
  type EdgeProps,
  type Node,
  type NodeProps,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Input,
  Row,
  Segmented,
  Select,
  Space,
  Spin,
  Tag,
  Typography,
} from 'antd';
import { RedoOutlined, UndoOutlined } from '@ant-design/icons';
import { api, ApiError } from '../api';
import { transitions, type OrgLevel, type ProcessDefinition, type Step } from '../../../workflows/definition';
import { useHistory } from './useHistory';
import { NODE_WIDTH, edgeId, layout, linesOf, routePath, type Point } from './layout';
import { VersionDiff } from './VersionDiff';
import { STEP_PANELS, TYPE_ZH, type DesignerContext, type StepKind, type StepOf } from './step-panels';
import { taskRule } from './step-panels/rule';
import { processChanges } from './process-changes';

const COLORS: Record<StepKind, string> = {
  task: '#e6f4ff',
  notice: '#fff7e6',
  activity: '#f6ffed',
  decision: '#f9f0ff',
  parallel: '#e6fffb',
  end: '#f5f5f5',
};
const LEVEL_ZH: Partial<Record<OrgLevel, string>> = { village: '村', township: '乡镇', county: '县' };
const LEVEL_COLOR: Partial<Record<OrgLevel, string>> = {
  village: 'green',
  township: 'blue',
  county: 'volcano',
};
/** text sizes on a step (px at zoom 1): the first view never zooms below MIN_ZOOM, so the title stays ≥ 11 px */
const TITLE_PX = 15;
const SMALL_PX = 13;
const MIN_ZOOM = 0.86;

interface DefinitionError {
  stepId?: string;
  path: string;
  code?: string;
  message: string;
}

/** the level a step acts at: a task's assignee, a notice's board */
function levelOf(s: Step): OrgLevel | undefined {
  if (s.type === 'notice') return s.level;
  if (s.type !== 'task') return undefined;
  const a = s.assignee;
  if ('posts' in a) return a.posts[0]?.level;
  return 'level' in a ? a.level : undefined;
}

interface StepNodeData extends Record<string, unknown> {
  n: number;
  step: Step;
  rule?: string;
  errors: number;
  selected: boolean;
  flash: boolean;
}

function StepNode({ data }: NodeProps<Node<StepNodeData>>) {
  const { step: s, n, rule, errors, selected, flash } = data;
  const level = levelOf(s);
  return (
    <div
      data-step={s.id}
      className={flash ? 'zx-flash' : undefined}
      style={{
        background: COLORS[s.type],
        border: `2px solid ${errors ? '#cf1322' : selected ? '#a61d24' : '#bfbfbf'}`,
        boxShadow: selected ? '0 0 0 3px rgba(166,29,36,0.25)' : undefined,
        borderRadius: 8,
        padding: '6px 8px',
        width: NODE_WIDTH,
        boxSizing: 'border-box',
        height: '100%',
        textAlign: 'left',
        cursor: 'pointer',
      }}
    >
      <Handle type="target" position={Position.Top} />
      <div style={{ fontSize: SMALL_PX, color: '#595959', display: 'flex', justifyContent: 'space-between' }}>
        <span>
          第{n}步 · {TYPE_ZH[s.type]}
        </span>
        {level && LEVEL_ZH[level] && (
          <Tag
            color={LEVEL_COLOR[level]}
            style={{ marginInlineEnd: 0, fontSize: SMALL_PX, lineHeight: '18px' }}
          >
            {LEVEL_ZH[level]}
          </Tag>
        )}
      </div>
      <div className="zx-step-title" style={{ fontSize: TITLE_PX, fontWeight: 600, lineHeight: 1.35 }}>
        {s.title.zh}
      </div>
      {rule && <div style={{ fontSize: SMALL_PX, lineHeight: 1.35 }}>{rule}</div>}
      {errors > 0 && (
        <div role="alert" style={{ color: '#cf1322', fontSize: SMALL_PX }}>
          有 {errors} 处问题
        </div>
      )}
      <Handle type="source" position={Position.Bottom} />
    </div>
  );
}

/** the height a step's box needs (the layout and the box agree on it) */
function nodeHeight(s: Step, rule: string | undefined, errors: number): number {
  const inner = NODE_WIDTH - 20;
  const line = (px: number) => px * 1.4;
  return (
    14 +
    line(SMALL_PX) +
    linesOf(s.title.zh, TITLE_PX, inner) * TITLE_PX * 1.35 +
    (rule ? linesOf(rule, SMALL_PX, inner) * SMALL_PX * 1.35 : 0) +
    (errors ? line(SMALL_PX) : 0) +
    4
  );
}

type RoutedEdgeData = { points: Point[]; labelAt?: Point } & Record<string, unknown>;

/** an edge drawn along dagre's route, so it goes between the steps and not through them */
function RoutedEdge({ id, data, label, markerEnd, style }: EdgeProps<Edge<RoutedEdgeData>>) {
  if (!data?.points?.length) return null;
  return (
    <BaseEdge
      id={id}
      path={routePath(data.points)}
      markerEnd={markerEnd}
      style={style}
      label={label}
      labelX={data.labelAt?.x}
      labelY={data.labelAt?.y}
      labelStyle={{ fontSize: SMALL_PX, fill: '#262626' }}
      labelShowBg
      labelBgStyle={{ fill: '#fff' }}
      labelBgPadding={[4, 2]}
    />
  );
}

/** a step's box redraws only when what it shows changes (an edit copies the whole definition) */
function sameStepBox(a: StepNodeData, b: StepNodeData): boolean {
  return (
    a.n === b.n &&
    a.rule === b.rule &&
    a.errors === b.errors &&
    a.selected === b.selected &&
    a.flash === b.flash &&
    a.step.type === b.step.type &&
    a.step.title.zh === b.step.title.zh &&
    levelOf(a.step) === levelOf(b.step)
  );
}
const StepNodeMemo = memo(StepNode, (a, b) => sameStepBox(a.data, b.data));
const nodeTypes = { step: StepNodeMemo };
const edgeTypes = { routed: RoutedEdge };

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
  return (
    <ReactFlowProvider>
      <Designer />
    </ReactFlowProvider>
  );
}

interface Meta extends Pick<DesignerContext['meta'], 'forms' | 'roles' | 'activities'> {
  versions: number[];
}

function Designer() {
  const { key } = useParams();
  const { message, modal } = App.useApp();
  const flow = useReactFlow();
  const def = useHistory<ProcessDefinition | null>(null);
  const [published, setPublished] = useState<ProcessDefinition | null>(null);
  const [selected, setSelected] = useState<string>();
  const [flash, setFlash] = useState<string>();
  const [view, setView] = useState<'graph' | 'list'>(() =>
    typeof window !== 'undefined' && window.innerWidth < 768 ? 'list' : 'graph',
  );
  const [errors, setErrors] = useState<DefinitionError[]>([]);
  const [meta, setMeta] = useState<Meta>({ forms: [], roles: [], activities: [], versions: [] });
  const canvas = useRef<HTMLDivElement>(null);
  const nodeCache = useRef(new Map<string, Node<StepNodeData>>());
  const fitted = useRef(false);
  // what a condition can test: the fields of the forms this process collects, what its activities store, the yearly parameters
  const [paramItems, setParamItems] = useState<{ key: string; year: number; value: unknown }[]>([]);
  const params = useMemo(() => [...new Set(paramItems.map((p) => p.key))], [paramItems]);
  const paramValues = useMemo(() => {
    // this year's value, else the latest year's
    const year = new Date().getFullYear();
    const out: Record<string, { year: number; value: unknown }> = {};
    for (const p of paramItems) {
      const cur = out[p.key];
      const better = !cur || (cur.year > year ? p.year < cur.year : p.year <= year && p.year > cur.year);
      if (better) out[p.key] = { year: p.year, value: p.value };
    }
    return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.value]));
  }, [paramItems]);
  // per form used by this process: its top-level fields and the stages it is filled in
  const [formInfo, setFormInfo] = useState<Record<string, { fields: string[]; stages: string[] }>>({});
  useEffect(() => {
    api
      .get<{ items: { key: string; year: number; value: unknown }[] }>('/api/admin/parameters')
      .then((r) => setParamItems(r.items));
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
    for (const f of new Set(stores.map((x) => x.form).filter((x): x is string => !!x))) {
      if (formInfo[f]) continue;
      api
        .get<{ latest: { schema: { properties?: Record<string, unknown> }; stages?: string[] } }>(
          `/api/forms/${f}`,
        )
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
    Promise.all([
      api.get<{ items: { key: string; status: string; version: number }[] }>('/api/admin/processes'),
      api.get<{ items: { key: string }[] }>('/api/admin/forms'),
      api.get<{ items: Meta['roles'] }>('/api/admin/roles'),
      api.get<{ items: Meta['activities'] }>('/api/admin/activities'),
    ]).then(async ([p, f, r, a]) => {
      const versions = p.items.filter((x) => x.key === key && x.status === 'published').map((x) => x.version);
      const latest = await api.get<{ definition: ProcessDefinition }>(
        `/api/admin/processes/${key}/versions/${Math.max(...versions)}`,
      );
      setMeta({
        forms: [...new Set(f.items.map((x) => x.key))],
        roles: r.items,
        activities: a.items,
        versions,
      });
      fitted.current = false;
      setPublished(latest.definition);
      def.reset(latest.definition);
    });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);

  const d = def.value;
  const ctxBase = useMemo(() => ({ meta, paramValues }), [meta, paramValues]);
  const ruleOf = (s: Step) => (s.type === 'task' ? taskRule(s, ctxBase) : undefined);
  // the layout depends only on the graph's shape (steps, edges, labels, box heights): typing a name that
  // keeps its box height does not lay the graph out again
  const heights = useMemo(() => {
    if (!d) return new Map<string, number>();
    const errorsOf = (id: string) => errors.filter((e) => e.stepId === id).length;
    return new Map(d.steps.map((s) => [s.id, nodeHeight(s, ruleOf(s), errorsOf(s.id))]));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [d, errors, ctxBase]);
  const shape = d
    ? JSON.stringify(
        d.steps.map((s) => [
          s.id,
          heights.get(s.id),
          transitions(s).map((t) => [t.target, edgeLabel(s, t.path)]),
        ]),
      )
    : '';
  const lay = useMemo(() => {
    if (!d) return null;
    return layout(
      d,
      (id, path) => {
        const s = d.steps.find((x) => x.id === id);
        return s && edgeLabel(s, path);
      },
      (id) => heights.get(id)!,
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [shape]);
  // edges change only with the graph's shape (their targets and labels are part of it): typing a step's name
  // does not redraw (and re-measure the labels of) every edge
  const edges = useMemo(() => {
    if (!d || !lay) return [];
    const out: Edge<RoutedEdgeData>[] = d.steps.flatMap((s) =>
      transitions(s)
        .filter((t) => t.target && lay.edges[edgeId(s.id, t.path)])
        .map((t) => {
          const route = lay.edges[edgeId(s.id, t.path)];
          const back = t.path.includes('return');
          return {
            id: edgeId(s.id, t.path),
            type: 'routed',
            source: s.id,
            target: t.target,
            label: edgeLabel(s, t.path),
            data: { points: route.points, labelAt: route.label },
            markerEnd: { type: MarkerType.ArrowClosed, color: back ? '#8c8c8c' : '#595959' },
            style: back
              ? { strokeDasharray: '5 4', stroke: '#8c8c8c' }
              : { stroke: '#595959', strokeWidth: 1.5 },
          };
        }),
    );
    return out;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [lay]);
  const graph = useMemo(() => {
    if (!d || !lay) return null;
    const errorsOf = (id: string) => errors.filter((e) => e.stepId === id).length;
    // a step whose box shows the same as before keeps its node object, so the graph does not redraw it
    const previous = nodeCache.current;
    const nodes: Node<StepNodeData>[] = d.steps.map((s, i) => {
      const node: Node<StepNodeData> = {
        id: s.id,
        type: 'step',
        position: lay.nodes[s.id],
        width: NODE_WIDTH,
        height: heights.get(s.id),
        data: {
          n: i + 1,
          step: s,
          rule: ruleOf(s),
          errors: errorsOf(s.id),
          selected: s.id === selected,
          flash: s.id === flash,
        },
      };
      const old = previous.get(s.id);
      return old &&
        old.position === node.position &&
        old.height === node.height &&
        sameStepBox(old.data, node.data)
        ? old
        : node;
    });
    nodeCache.current = new Map(nodes.map((n) => [n.id, n]));
    return { nodes, edges, lay };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [d, lay, edges, errors, selected, flash, ctxBase]);

  // the first view: readable (never below MIN_ZOOM), as wide as fits, the start step at the top centre
  useEffect(() => {
    if (!graph || fitted.current || view !== 'graph' || !canvas.current || !d) return;
    const width = canvas.current.clientWidth;
    if (!width) return;
    const zoom = Math.min(1, Math.max(MIN_ZOOM, (width - 24) / graph.lay.width));
    // wider than the canvas: from the left edge (the start step stays in view; pan for the rest), else centred
    const start = graph.lay.nodes[d.start] ?? { x: 0, y: 0 };
    const x =
      graph.lay.width * zoom <= width
        ? (width - graph.lay.width * zoom) / 2
        : Math.min(8, width - (start.x + NODE_WIDTH + 16) * zoom);
    void flow.setViewport({ x, y: 8, zoom });
    fitted.current = true;
  }, [graph, view, d, flow]);

  /** show a step: select it, bring it to the middle of the graph (or scroll the list to it) and flash it */
  const focus = (id: string | undefined, opts: { flash?: boolean } = {}) => {
    if (!id) return;
    setSelected(id);
    // the flash is a CSS animation that plays three times and stops; the class stays until the next flash, so a
    // slow layout cannot clear it before the step is drawn
    if (opts.flash) setFlash(id);
    window.setTimeout(() => {
      const pos = graph?.lay.nodes[id];
      if (view === 'graph' && pos) {
        const n = flow.getNode(id);
        void flow.setCenter(pos.x + NODE_WIDTH / 2, pos.y + (n?.height ?? 90) / 2, {
          zoom: Math.max(flow.getZoom(), 0.9),
          duration: 300,
        });
      }
      document
        .querySelector(view === 'graph' ? '[aria-label="步骤属性"]' : `[data-flow-step="${id}"]`)
        ?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
    }, 50);
  };

  if (!d || !graph) return <Spin style={{ display: 'block', margin: 48 }} />;
  const step = d.steps.find((s) => s.id === selected);
  const update = (fn: (x: ProcessDefinition) => void) =>
    def.set((cur) => {
      const next = structuredClone(cur!);
      fn(next);
      return next;
    });
  const setStep = <K extends StepKind>(patch: (s: StepOf<K>) => void) =>
    update((x) => {
      const s = x.steps.find((st) => st.id === selected);
      if (s) patch(s as StepOf<K>);
    });
  const add = (type: StepKind) => {
    let n = 1;
    while (d.steps.some((s) => s.id === `${type}_${n}`)) n++;
    const id = `${type}_${n}`;
    update((x) => x.steps.push(newStep(type, id)));
    // the new step: selected, brought into view and flashed (after the layout has placed it)
    window.setTimeout(() => focus(id, { flash: true }), 0);
  };
  const onConnect = (c: Connection) =>
    update((x) => {
      const s = x.steps.find((st) => st.id === c.source);
      if (!s || !c.target) return;
      if (s.type === 'task') {
        if (s.actions[0]) s.actions[0].next = c.target;
      } else if (s.type === 'decision') s.otherwise = c.target;
      else if (s.type !== 'end') s.next = c.target;
    });
  const check = async () => {
    const r = await api.post<{ ok: boolean; errors: DefinitionError[] }>('/api/admin/processes/validate', {
      definition: d,
    });
    setErrors(r.errors);
    return r.ok;
  };
  const validate = async () => {
    if (await check()) message.success('校验通过');
  };
  const publish = async () => {
    if (!(await check())) return;
    const changes = published ? processChanges(published, d) : [];
    if (!changes.length) {
      message.info('与已发布的版本相同，没有需要发布的改动');
      return;
    }
    modal.confirm({
      title: `发布第 ${Math.max(0, ...meta.versions) + 1} 版？`,
      width: 560,
      content: (
        <div>
          <Typography.Paragraph>与已发布的第 {Math.max(0, ...meta.versions)} 版相比：</Typography.Paragraph>
          <ul aria-label="本次改动" style={{ paddingInlineStart: 20, maxHeight: 320, overflow: 'auto' }}>
            {changes.map((c) => (
              <li key={c.text}>
                <Tag color={{ added: 'green', removed: 'red', changed: 'blue', process: 'default' }[c.kind]}>
                  {{ added: '新增', removed: '删除', changed: '修改', process: '流程' }[c.kind]}
                </Tag>
                {c.text}
              </li>
            ))}
          </ul>
          <Typography.Text type="secondary">进行中的案件仍按原版本办理。</Typography.Text>
        </div>
      ),
      okText: '确认发布',
      cancelText: '取消',
      onOk: async () => {
        try {
          const r = await api.post<{ version: number }>(`/api/admin/processes/${key}/versions`, {
            definition: d,
          });
          setErrors([]);
          setPublished(d);
          message.success(`已发布第 ${r.version} 版；进行中的案件仍按原版本办理`);
          setMeta((m) => ({ ...m, versions: [...m.versions, r.version] }));
        } catch (e) {
          if (e instanceof ApiError) setErrors(e.errors as DefinitionError[]);
        }
      },
    });
  };
  const targets = [
    ...d.steps
      .filter((s) => s.id !== selected)
      .map((s) => ({ value: s.id, label: `${s.title.zh}（${s.id}）` })),
    // a step inside a parallel branch ends its branch by going to the join
    ...(d.steps.some((s) => s.type === 'parallel') ? [{ value: '$join', label: '汇合（结束本分支）' }] : []),
  ];
  const ctx: DesignerContext = { meta, targets, variables, params, paramValues, formInfo };
  const Panel = step
    ? (STEP_PANELS[step.type] as (p: {
        step: Step;
        setStep: typeof setStep;
        ctx: DesignerContext;
      }) => React.ReactNode)
    : undefined;

  return (
    <Space direction="vertical" size={12} style={{ width: '100%' }}>
      <style>{`
        @keyframes zx-flash { 0%, 100% { box-shadow: 0 0 0 0 rgba(250,173,20,0); } 50% { box-shadow: 0 0 0 8px rgba(250,173,20,0.6); } }
        .zx-flash { animation: zx-flash 0.8s ease-in-out 3; }
        .react-flow__node-step { padding: 0; border: 0; background: transparent; }
        .zx-step-panel > * { margin-bottom: 8px; }
        .zx-step-panel > label, .zx-step-panel > details, .zx-step-panel > .ant-typography { display: block; }
        .zx-step-panel > label > .ant-input-number { display: flex; width: 100%; }
      `}</style>
      <Card>
        <Typography.Title level={4} style={{ marginTop: 0, whiteSpace: 'normal' }}>
          流程设计：{d.title.zh} <Tag>已发布 {meta.versions.length} 个版本</Tag>
          <Typography.Text type="secondary" style={{ fontSize: 14, fontWeight: 'normal' }}>
            共 {d.steps.length} 个步骤
          </Typography.Text>
        </Typography.Title>
        <Space wrap>
          <Segmented
            aria-label="显示方式"
            value={view}
            onChange={(v) => {
              setView(v as 'graph' | 'list');
              fitted.current = false;
            }}
            options={[
              { value: 'graph', label: '流程图' },
              { value: 'list', label: '列表' },
            ]}
          />
          <Select
            showSearch
            aria-label="定位步骤"
            placeholder="定位步骤"
            style={{ width: 180 }}
            value={null}
            optionFilterProp="label"
            onChange={(id: string) => focus(id)}
            options={d.steps.map((s, i) => ({ value: s.id, label: `第${i + 1}步 ${s.title.zh}（${s.id}）` }))}
          />
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
        {errors.length > 0 && (
          <Alert
            style={{ marginTop: 12 }}
            type="error"
            showIcon
            message={`有 ${errors.length} 处问题，不能发布（点击一条可定位到该步骤）`}
            description={
              <ul
                aria-label="校验问题"
                style={{ margin: 0, paddingInlineStart: 18, maxHeight: 200, overflow: 'auto' }}
              >
                {errors.map((e) => (
                  <li key={e.path + e.message}>
                    {e.stepId ? (
                      <Typography.Link onClick={() => focus(e.stepId)}>{e.message}</Typography.Link>
                    ) : (
                      e.message
                    )}
                  </li>
                ))}
              </ul>
            }
          />
        )}
      </Card>
      <Row gutter={[12, 12]}>
        <Col xs={24} lg={16}>
          {view === 'graph' ? (
            <div
              ref={canvas}
              style={{ height: '70vh', minHeight: 480, background: '#fff', borderRadius: 8 }}
              aria-label="流程图"
            >
              <ReactFlow
                nodes={graph.nodes}
                edges={graph.edges}
                nodeTypes={nodeTypes}
                edgeTypes={edgeTypes}
                onNodeClick={(_e, n) => setSelected(n.id)}
                onConnect={onConnect}
                minZoom={0.2}
                proOptions={{ hideAttribution: true }}
              >
                <Background />
                <Controls showInteractive={false} />
              </ReactFlow>
            </div>
          ) : (
            <FlowList
              def={d}
              selected={selected}
              flash={flash}
              errors={errors}
              ruleOf={ruleOf}
              onSelect={setSelected}
            />
          )}
        </Col>
        <Col xs={24} lg={8}>
          <Card size="small" title={step ? `步骤属性：${step.title.zh}` : '步骤属性'} aria-label="步骤属性">
            {!step || !Panel ? (
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
                <div className="zx-step-panel">
                  <Panel key={step.id} step={step} setStep={setStep} ctx={ctx} />
                </div>
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

/** 列表 the DingTalk-style view: the steps one under another, each with where its actions lead. */
function FlowList({
  def,
  selected,
  flash,
  errors,
  ruleOf,
  onSelect,
}: {
  def: ProcessDefinition;
  selected?: string;
  flash?: string;
  errors: DefinitionError[];
  ruleOf: (s: Step) => string | undefined;
  onSelect: (id: string) => void;
}) {
  const number = new Map(def.steps.map((s, i) => [s.id, i + 1]));
  const name = (id: string) =>
    id === '$join'
      ? '汇合'
      : number.has(id)
        ? `第${number.get(id)}步「${def.steps[number.get(id)! - 1].title.zh}」`
        : `“${id}”（不存在）`;
  return (
    <div aria-label="流程列表" style={{ background: '#fff', borderRadius: 8, padding: 12 }}>
      {def.steps.map((s, i) => {
        const level = levelOf(s);
        const errs = errors.filter((e) => e.stepId === s.id).length;
        return (
          <div key={s.id} data-flow-step={s.id}>
            {i > 0 && <div style={{ width: 2, height: 16, background: '#d9d9d9', margin: '0 auto' }} />}
            <div
              role="button"
              tabIndex={0}
              className={flash === s.id ? 'zx-flash' : undefined}
              onClick={() => onSelect(s.id)}
              onKeyDown={(e) => e.key === 'Enter' && onSelect(s.id)}
              style={{
                maxWidth: 520,
                margin: '0 auto',
                background: COLORS[s.type],
                border: `2px solid ${errs ? '#cf1322' : s.id === selected ? '#a61d24' : '#d9d9d9'}`,
                borderRadius: 8,
                padding: '8px 12px',
                cursor: 'pointer',
              }}
            >
              <Space size={6} wrap>
                <Typography.Text type="secondary">
                  第{i + 1}步 · {TYPE_ZH[s.type]}
                </Typography.Text>
                {level && LEVEL_ZH[level] && <Tag color={LEVEL_COLOR[level]}>{LEVEL_ZH[level]}</Tag>}
                {errs > 0 && <Tag color="error">有 {errs} 处问题</Tag>}
              </Space>
              <div style={{ fontSize: 15, fontWeight: 600 }}>{s.title.zh}</div>
              {ruleOf(s) && <div>{ruleOf(s)}</div>}
              {transitions(s).length > 0 && (
                <div style={{ color: '#595959', marginTop: 4 }}>
                  {transitions(s).map((t) => (
                    <div key={t.path}>
                      {edgeLabel(s, t.path) ?? '下一步'} → {t.target ? name(t.target) : '（未设置）'}
                    </div>
                  ))}
                </div>
              )}
            </div>
          </div>
        );
      })}
    </div>
  );
}

function edgeLabel(s: Step, path: string): string | undefined {
  if (s.type === 'task') {
    const i = Number(path.split('/')[1]);
    const label = s.actions[i]?.label.zh ?? '';
    return path.includes('returnTargets') && !label.includes('退回') ? `${label}（退回）` : label;
  }
  if (s.type === 'notice') return path === 'onObjection' ? '有异议' : '期满';
  if (s.type === 'decision') return path === 'otherwise' ? '否则' : '满足条件';
  return undefined;
}
