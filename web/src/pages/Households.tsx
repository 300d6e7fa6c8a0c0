/**
 * 农户 the household registry: search by name, household number or ID (in full or its last
 * digits); register a household with its members; open department warnings (due date, overdue,
 * start an identification from the row) and the sweep register (排查台账); a household page with
 * its members and their changes, corrections with a reason, members joining and leaving, closing,
 * 附件2 versions, and its story on one timeline (cases with their documents, status changes,
 * warnings, sweeps, assessments).
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import {
  Alert,
  Button,
  Card,
  DatePicker,
  Descriptions,
  Form,
  Input,
  Modal,
  Select,
  Space,
  Spin,
  Table,
  Tag,
  Timeline,
  message,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { api, ApiError } from '../api';
import type {
  FormVersions,
  HouseholdCollection,
  HouseholdCreated,
  HouseholdHistoryEntry,
  HouseholdListItem,
  HouseholdMember,
  HouseholdView,
  ImportPreview,
  ImportResult,
  Items,
  SweepListItem,
  SweepRegister,
  SweepRegisterRow,
  WarningListItem,
} from '../api';
import { StartCase } from './StartCase';
import { useSession } from '../session';
import { fmt, fmtDate, MONITOR_TYPE, MONITORING, STATUS } from '../labels';

const JOIN = { birth: '出生', marriage_in: '嫁入（婚迁）', moved_in: '迁入', correction: '补录' };
const LEAVE = {
  death: '死亡',
  marriage_out: '嫁出（婚迁）',
  split: '分户',
  moved_out: '迁出',
  verified_out: '核实后不在户内',
  imported_out: '导入时不在户内',
  household_closed: '随户注销',
};
const CLOSE = { moved_away: '迁出', merged: '并户', all_deceased: '家庭成员均已死亡' };
const HISTORY: Record<string, string> = {
  'household.created': '新增登记',
  'household.corrected': '信息更正',
  'household.closed': '注销',
  'member.added': '成员增加',
  'member.removed': '成员减少',
  'member.corrected': '成员信息更正',
  'collection.written': '附件2写回档案',
  'collection.members-conflict': '附件2成员与他户冲突',
  'household.imported': '导入更新',
  'status.changed': '监测状态变化',
  'status.cleared': '解除预警状态',
  'warning.dismissed': '核查排除预警',
  'sweep.visited': '走访排查',
};
const TIMELINE_KIND: Record<string, string> = {
  'case.started': '发起',
  'case.ended': '办结',
  'status.changed': '监测状态变化',
  'status.cleared': '解除预警状态',
  'warning.raised': '部门数据预警',
  'warning.escalated': '预警超期督办',
  'warning.closed': '预警办结',
  'warning.dismissed': '核查排除预警',
  'sweep.visited': '走访排查',
  'collection.written': '附件2写回',
};
const TIMELINE_COLOR: Record<string, string> = {
  'case.started': 'blue',
  'case.ended': 'green',
  'status.changed': 'orange',
  'warning.raised': 'red',
  'warning.escalated': 'red',
  'sweep.visited': 'blue',
};
const STAGE: Record<string, string> = {
  identification: '识别',
  measures: '帮扶措施',
  elimination: '风险消除',
};
const options = (o: Record<string, string>) => Object.entries(o).map(([value, label]) => ({ value, label }));

/** 与户主关系 / 健康 / 劳动技能 labels from the code lists 附件2 uses */
function useMemberLabels() {
  const [labels, setLabels] = useState<Record<string, Record<string, string>>>({});
  useEffect(() => {
    api
      .get<FormVersions>('/api/forms/collection')
      .then((r) => {
        const props = r.latest?.schema?.properties?.members?.items?.properties ?? {};
        const of = (k: string) =>
          Object.fromEntries(
            (props[k]?.oneOf ?? []).map((c: { const: string; title: string }) => [c.const, c.title]),
          );
        setLabels({ relation: of('A8'), health: of('A13'), labour: of('A14') });
      })
      .catch(() => setLabels({}));
  }, []);
  return labels;
}

const isImporter = (roles: { role: string }[] | undefined) =>
  (roles ?? []).some((r) => ['county_rural_bureau', 'village_cadre', 'village_secretary'].includes(r.role));
const isRegistrar = (roles: { role: string }[] | undefined) =>
  (roles ?? []).some((r) => ['village_cadre', 'village_secretary'].includes(r.role));

export default function Households() {
  const { id } = useParams();
  return id ? (
    <Household id={id} />
  ) : (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <OpenWarnings />
      <Sweeps />
      <Search />
    </Space>
  );
}

/** a start dialog opened from a row: the procedure, village and household already chosen */
function useStarter() {
  const navigate = useNavigate();
  const [preset, setPreset] = useState<{
    process?: string;
    org?: string;
    subject?: string;
    data?: Record<string, unknown>;
  }>();
  const dialog = preset && (
    <StartCase
      open
      preset={preset}
      onClose={() => setPreset(undefined)}
      onStarted={(c) => {
        setPreset(undefined);
        message.success('已发起');
        navigate(`/cases/${c}`);
      }}
    />
  );
  return { start: setPreset, dialog };
}

const SWEEP_RESULT: Record<string, string> = { at_risk: '发现风险', not_at_risk: '无风险' };

/**
 * 排查台账 the register of each running sweep of my region: every household of the village, what
 * the visit found, and from a household found at risk an identification (channel 干部走访排查).
 */
function Sweeps() {
  const { me } = useSession();
  const [sweeps, setSweeps] = useState<SweepListItem[]>([]);
  const [open, setOpen] = useState<string>();
  const [reg, setReg] = useState<SweepRegister>();
  const [noting, setNoting] = useState<SweepRegisterRow>();
  const [note, setNote] = useState('');
  const [error, setError] = useState<string>();
  const { start, dialog } = useStarter();
  useEffect(() => {
    api
      .get<Items<SweepListItem>>('/api/sweeps')
      .then((r) => {
        setSweeps(r.items);
        setOpen((o) => o ?? r.items[0]?.id);
      })
      .catch(() => setSweeps([]));
  }, []);
  const load = () =>
    open
      ? api.get<SweepRegister>(`/api/sweeps/${encodeURIComponent(open)}/register`).then(setReg)
      : Promise.resolve(setReg(undefined));
  useEffect(() => {
    void load();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open]);
  if (!sweeps.length) return null;
  const record = async (household: string, result: string, text?: string) => {
    setError(undefined);
    try {
      await api.post(`/api/sweeps/${encodeURIComponent(open!)}/visits`, {
        household,
        result,
        ...(text ? { note: text } : {}),
      });
      setNoting(undefined);
      setNote('');
      await load();
    } catch (e) {
      setError(
        e instanceof ApiError ? [e.title, ...e.errors.map((x) => x.message)].join('；') : '网络异常，请重试',
      );
    }
  };
  const keeper = isRegistrar(me?.roles);
  const s = reg?.summary;
  return (
    <Card title="集中排查台账">
      {sweeps.length > 1 && (
        <div style={{ marginBottom: 12 }}>
          <Select
            aria-label="排查"
            style={{ width: 260, maxWidth: '100%' }}
            value={open}
            onChange={setOpen}
            options={sweeps.map((x) => ({
              value: x.id,
              label: `${x.org_name} ${fmtDate(x.started_at)}（${x.id}）`,
            }))}
          />
        </div>
      )}
      {s && (
        <p>
          {sweeps.find((x) => x.id === open)?.org_name}（
          {fmtDate(sweeps.find((x) => x.id === open)?.started_at)}
          发起）：本村 {s.households} 户，已排查 {s.visited} 户（发现风险 {s.at_risk} 户，无风险{' '}
          {s.not_at_risk} 户），未排查 {s.households - s.visited} 户
        </p>
      )}
      {error && <Alert type="error" showIcon role="alert" message={error} style={{ marginBottom: 12 }} />}
      <Table
        size="small"
        rowKey="id"
        pagination={{ pageSize: 10, hideOnSinglePage: true }}
        dataSource={reg?.items ?? []}
        loading={!reg}
        scroll={{ x: 720 }}
        columns={[
          {
            title: '农户',
            render: (r: SweepRegisterRow) => (
              <Link to={`/households/${r.id}`}>
                {r.head_name}（{r.id}）
              </Link>
            ),
          },
          { title: '监测状态', dataIndex: 'monitoring_status', render: (v: string) => MONITORING[v] ?? v },
          {
            title: '排查结果',
            render: (r: SweepRegisterRow) =>
              r.result ? (
                <span>
                  <Tag color={r.result === 'at_risk' ? 'red' : 'green'}>{SWEEP_RESULT[r.result]}</Tag>
                  {r.note ?? ''}
                  <div style={{ color: '#888', fontSize: 12 }}>
                    {r.visited_by} {fmt(r.visited_at)}
                  </div>
                </span>
              ) : (
                <Tag>未排查</Tag>
              ),
          },
          {
            title: '处理',
            render: (r: SweepRegisterRow) => (
              <Space wrap>
                {r.identification_case_id ? (
                  <Link to={`/cases/${r.identification_case_id}`}>识别 {r.identification_case_id}</Link>
                ) : (
                  keeper &&
                  r.result === 'at_risk' &&
                  r.monitoring_status !== 'monitored' &&
                  !r.active_case_id && (
                    <Button
                      size="small"
                      type="primary"
                      onClick={() =>
                        start({
                          process: 'identification',
                          org: reg?.sweep.org_id,
                          subject: r.id,
                          data: { channel: 'cadre_sweep' },
                        })
                      }
                    >
                      发起识别
                    </Button>
                  )
                )}
                {keeper && reg?.sweep.status === 'running' && (
                  <>
                    <Button size="small" danger onClick={() => setNoting(r)}>
                      发现风险
                    </Button>
                    <Button size="small" onClick={() => record(r.id, 'not_at_risk')}>
                      无风险
                    </Button>
                  </>
                )}
              </Space>
            ),
          },
        ]}
      />
      <Modal
        open={!!noting}
        title={`${noting?.head_name ?? ''}户：发现风险`}
        okText="登记"
        cancelText="取消"
        onOk={() => noting && record(noting.id, 'at_risk', note)}
        onCancel={() => setNoting(undefined)}
        destroyOnHidden
      >
        <p>请写明入户看到的风险情况，将记入排查台账和农户档案。</p>
        <Input.TextArea
          aria-label="风险情况"
          rows={3}
          value={note}
          onChange={(e) => setNote(e.target.value)}
        />
      </Modal>
      {dialog}
    </Card>
  );
}

/** 待核查预警 open department warnings of my region: start an identification, or dismiss with the reason found on site */
function OpenWarnings() {
  const { me } = useSession();
  const { start, dialog } = useStarter();
  const [items, setItems] = useState<WarningListItem[]>([]);
  const [dismissing, setDismissing] = useState<WarningListItem>();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string>();
  const load = () =>
    api
      .get<Items<WarningListItem>>('/api/warnings')
      .then((r) => setItems(r.items))
      .catch(() => setItems([]));
  useEffect(() => {
    load();
  }, []);
  if (!items.length) return null;
  const dismiss = async () => {
    if (!dismissing) return;
    setError(undefined);
    try {
      await api.post(`/api/warnings/${encodeURIComponent(dismissing.id)}/dismiss`, { reason });
      setDismissing(undefined);
      setReason('');
      load();
    } catch (e) {
      setError(
        e instanceof ApiError ? [e.title, ...e.errors.map((x) => x.message)].join('；') : '网络异常，请重试',
      );
    }
  };
  return (
    <Card title={`待核查的部门数据预警（${items.length}）`}>
      <Table
        size="small"
        rowKey="id"
        pagination={{ pageSize: 5, hideOnSinglePage: true }}
        dataSource={items}
        scroll={{ x: 640 }}
        columns={[
          {
            title: '农户',
            render: (w: WarningListItem) => (
              <Link to={`/households/${w.household_id}`}>
                {w.head_name}（{w.household_id}）
              </Link>
            ),
          },
          { title: '村', dataIndex: 'village_name' },
          { title: '命中', dataIndex: 'kinds', render: (k: string[]) => k.join('、') },
          { title: '预警时间', dataIndex: 'raised_at', render: (v: string) => fmtDate(v) },
          {
            title: '核查时限',
            render: (w: WarningListItem) => (
              <span>
                {fmtDate(w.due_at)}{' '}
                {w.overdue && <Tag color="red">{w.escalated_at ? '超期，已报乡镇督办' : '超期'}</Tag>}
              </span>
            ),
          },
          {
            title: '处理',
            render: (w: WarningListItem) =>
              isRegistrar(me?.roles) ? (
                <Space wrap>
                  <Button
                    size="small"
                    type="primary"
                    onClick={() =>
                      start({
                        process: 'identification',
                        org: w.village_id ?? undefined,
                        subject: w.household_id,
                        data: { channel: 'department_warning' },
                      })
                    }
                  >
                    发起识别
                  </Button>
                  <Button size="small" onClick={() => setDismissing(w)}>
                    核查排除
                  </Button>
                </Space>
              ) : (
                '待村级核查'
              ),
          },
        ]}
      />
      <Modal
        open={!!dismissing}
        title="入户核查后排除预警"
        okText="排除预警"
        cancelText="取消"
        onOk={dismiss}
        onCancel={() => setDismissing(undefined)}
        destroyOnHidden
      >
        {error && <Alert type="error" showIcon role="alert" message={error} style={{ marginBottom: 12 }} />}
        <p>{dismissing?.head_name}户：请写明入户核查的情况和排除的理由，将记入农户档案。</p>
        <Input.TextArea
          aria-label="排除理由"
          rows={3}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
        />
      </Modal>
      {dialog}
    </Card>
  );
}

function Search() {
  const { me } = useSession();
  const [q, setQ] = useState('');
  const [status, setStatus] = useState<string>();
  const [items, setItems] = useState<HouseholdListItem[]>();
  const [adding, setAdding] = useState(false);
  const [tick, setTick] = useState(0);
  const navigate = useNavigate();
  useEffect(() => {
    const params = new URLSearchParams();
    if (q) params.set('q', q);
    if (status) params.set('status', status);
    api.get<Items<HouseholdListItem>>(`/api/households?${params}`).then((r) => setItems(r.items));
  }, [q, status, tick]);
  return (
    <Card
      title="农户查询"
      extra={
        <Space wrap>
          <Select
            allowClear
            placeholder="监测状态"
            aria-label="监测状态"
            style={{ width: 120 }}
            value={status}
            onChange={setStatus}
            options={options(MONITORING)}
          />
          <Input.Search
            allowClear
            placeholder="姓名、户编号或身份证号（全号或后4位）"
            onSearch={(v) => setQ(v.trim())}
            style={{ width: 300 }}
            aria-label="搜索农户"
          />
          {isRegistrar(me?.roles) && (
            <Button type="primary" onClick={() => setAdding(true)}>
              新增农户
            </Button>
          )}
          {isImporter(me?.roles) && <ImportButton onDone={() => setTick((t) => t + 1)} />}
          <Button href={`/api/households/export?${new URLSearchParams({ ...(status ? { status } : {}) })}`}>
            导出Excel（脱敏）
          </Button>
          {isImporter(me?.roles) && (
            <Button
              href={`/api/households/export?${new URLSearchParams({ ...(status ? { status } : {}), unmask: '1' })}`}
            >
              导出Excel（完整，留痕）
            </Button>
          )}
          <Button type="link" href="/api/households/import-template">
            下载导入模板
          </Button>
        </Space>
      }
    >
      <Table
        rowKey="id"
        loading={!items}
        dataSource={items}
        scroll={{ x: 700 }}
        onRow={(r) => ({ onClick: () => navigate(`/households/${r.id}`), style: { cursor: 'pointer' } })}
        columns={[
          { title: '户编号', dataIndex: 'id' },
          {
            title: '户主',
            dataIndex: 'head_name',
            render: (n: string, r: HouseholdListItem) => <Link to={`/households/${r.id}`}>{n}</Link>,
          },
          { title: '身份证号', dataIndex: 'head_id_number' },
          { title: '村', dataIndex: 'org_name' },
          { title: '人口', dataIndex: 'size' },
          {
            title: '监测状态',
            dataIndex: 'monitoring_status',
            render: (s: string, r: HouseholdListItem) => (
              <Space size={4}>
                <Tag
                  color={
                    s === 'monitored'
                      ? 'orange'
                      : s === 'eliminated'
                        ? 'green'
                        : s === 'warning'
                          ? 'red'
                          : 'default'
                  }
                >
                  {MONITORING[s] ?? s}
                </Tag>
                {r.active_case_id && <Tag color="blue">有在办案件</Tag>}
              </Space>
            ),
          },
          { title: '类型', dataIndex: 'monitoring_type', render: (t: string) => MONITOR_TYPE[t] ?? '—' },
        ]}
      />
      {adding && <Register onClose={() => setAdding(false)} onDone={(id) => navigate(`/households/${id}`)} />}
    </Card>
  );
}

/** 导入 upload → whole-file check (each bad row listed) → the changes previewed → confirm */
function ImportButton({ onDone }: { onDone: () => void }) {
  const input = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File>();
  const [preview, setPreview] = useState<ImportPreview>();
  const [errors, setErrors] = useState<{ title: string; items: string[] }>();
  const [busy, setBusy] = useState(false);
  const reset = () => {
    setFile(undefined);
    setPreview(undefined);
    setErrors(undefined);
    if (input.current) input.current.value = '';
  };
  const check = async (f: File) => {
    setFile(f);
    setBusy(true);
    try {
      setPreview(
        await api.upload<ImportPreview>(
          `/api/households/import-preview?filename=${encodeURIComponent(f.name)}`,
          f,
        ),
      );
    } catch (e) {
      setErrors(
        e instanceof ApiError
          ? { title: e.title, items: e.errors.map((x) => x.message) }
          : { title: '网络异常，请重试', items: [] },
      );
    } finally {
      setBusy(false);
    }
  };
  const confirm = async () => {
    if (!file || !preview) return;
    setBusy(true);
    try {
      const r = await api.upload<ImportResult>(
        `/api/households/import?filename=${encodeURIComponent(file.name)}&confirm=${preview.sha256}`,
        file,
      );
      message.success(`导入完成：新增 ${r.created} 户，更新 ${r.updated} 户，未变 ${r.unchanged} 户`);
      reset();
      onDone();
    } catch (e) {
      setErrors(
        e instanceof ApiError
          ? { title: e.title, items: e.errors.map((x) => x.message) }
          : { title: '网络异常，请重试', items: [] },
      );
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <input
        ref={input}
        type="file"
        accept=".csv,.xlsx"
        aria-label="选择农户文件"
        style={{ display: 'none' }}
        onChange={(e) => e.target.files?.[0] && void check(e.target.files[0])}
      />
      <Button loading={busy && !preview && !errors} onClick={() => input.current?.click()}>
        导入农户
      </Button>
      <Modal
        open={!!preview || !!errors}
        title={errors ? '文件有误，未导入' : '导入预览'}
        onCancel={reset}
        onOk={errors ? reset : confirm}
        confirmLoading={busy}
        okText={errors ? '知道了' : preview?.totalChanges ? '确认导入' : '关闭'}
        cancelText="取消"
        width={760}
        destroyOnHidden
      >
        {errors && (
          <Alert
            type="error"
            showIcon
            message={errors.title}
            description={
              <ul style={{ maxHeight: 360, overflow: 'auto', paddingLeft: 18 }}>
                {errors.items.map((x, i) => (
                  <li key={i}>{x}</li>
                ))}
              </ul>
            }
          />
        )}
        {preview && (
          <>
            <p>
              共 {preview.households} 户、{preview.members} 人；将变更 {preview.changed} 户，
              {preview.unchanged} 户无变化。
            </p>
            {preview.totalChanges ? (
              <ul style={{ maxHeight: 360, overflow: 'auto', paddingLeft: 18 }}>
                {preview.changes.map((c: { message: string }, i: number) => (
                  <li key={i}>{c.message}</li>
                ))}
              </ul>
            ) : (
              <Alert type="success" showIcon message="文件与农户档案一致，无需导入" />
            )}
          </>
        )}
      </Modal>
    </>
  );
}

/** 新增农户 the village, the members (one of them the head), contact data */
function Register({ onClose, onDone }: { onClose: () => void; onDone: (id: string) => void }) {
  const { me } = useSession();
  const labels = useMemberLabels();
  const villages = (me?.roles ?? [])
    .filter((r) => ['village_cadre', 'village_secretary'].includes(r.role) && r.org?.level === 'village')
    .map((r) => r.org);
  const [form] = Form.useForm();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    const v = await form.validateFields();
    setBusy(true);
    setError(undefined);
    try {
      const r = await api.post<HouseholdCreated>('/api/households', {
        org: v.org,
        members: v.members,
        phone: v.phone || undefined,
        address: v.address || undefined,
        reason: v.reason || undefined,
      });
      message.success(`已登记 ${r.id}`);
      onDone(r.id);
    } catch (e) {
      if (e instanceof ApiError) {
        setError(e.title);
        form.setFields(
          e.errors
            .filter((x) => x.path)
            .map((x) => ({
              name: x.path.split('.').map((k) => (/^\d+$/.test(k) ? Number(k) : k)),
              errors: [x.message],
            })),
        );
      } else setError('网络异常，请重试');
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open
      title="新增农户"
      okText="登记"
      cancelText="取消"
      onOk={submit}
      onCancel={onClose}
      confirmLoading={busy}
      // a member's six fields on one line at desktop width; the modal keeps to the screen on a phone
      width={1040}
      destroyOnHidden
    >
      {error && <Alert type="error" showIcon role="alert" message={error} style={{ marginBottom: 12 }} />}
      <Form
        form={form}
        layout="vertical"
        initialValues={{
          org: villages.length === 1 ? villages[0].id : undefined,
          members: [{ relation: '01' }],
        }}
      >
        <Form.Item name="org" label="所在村（社区）" rules={[{ required: true, message: '请选择村' }]}>
          <Select aria-label="所在村" options={villages.map((o) => ({ value: o.id, label: o.name }))} />
        </Form.Item>
        <Form.List name="members">
          {(fields, { add, remove }) => (
            <>
              {fields.map((f, i) => (
                <Space key={f.key} wrap align="start" style={{ display: 'flex' }}>
                  <Form.Item
                    name={[f.name, 'name']}
                    label={i === 0 ? '姓名' : undefined}
                    rules={[{ required: true, message: '请填写姓名' }]}
                  >
                    <Input placeholder="姓名" aria-label={`成员${i + 1}姓名`} />
                  </Form.Item>
                  <Form.Item
                    name={[f.name, 'idNumber']}
                    label={i === 0 ? '身份证号' : undefined}
                    rules={[{ required: true, message: '请填写身份证号' }]}
                  >
                    <Input
                      placeholder="18位身份证号"
                      aria-label={`成员${i + 1}身份证号`}
                      style={{ width: 200 }}
                    />
                  </Form.Item>
                  <Form.Item
                    name={[f.name, 'relation']}
                    label={i === 0 ? '与户主关系' : undefined}
                    rules={[{ required: true, message: '请选择' }]}
                  >
                    <Select
                      style={{ width: 140 }}
                      aria-label={`成员${i + 1}与户主关系`}
                      // about twenty relations: a plain list (no virtual scrolling that wraps around) and typing filters
                      virtual={false}
                      showSearch
                      optionFilterProp="label"
                      options={Object.entries(labels.relation ?? { '01': '本人或户主' }).map(
                        ([value, label]) => ({ value, label }),
                      )}
                    />
                  </Form.Item>
                  <Form.Item name={[f.name, 'health']} label={i === 0 ? '健康状况' : undefined}>
                    <Select
                      allowClear
                      style={{ width: 120 }}
                      aria-label={`成员${i + 1}健康状况`}
                      options={Object.entries(labels.health ?? {}).map(([value, label]) => ({
                        value,
                        label,
                      }))}
                    />
                  </Form.Item>
                  <Form.Item name={[f.name, 'labour']} label={i === 0 ? '劳动技能' : undefined}>
                    <Select
                      allowClear
                      style={{ width: 140 }}
                      aria-label={`成员${i + 1}劳动技能`}
                      virtual={false}
                      options={Object.entries(labels.labour ?? {}).map(([value, label]) => ({
                        value,
                        label,
                      }))}
                    />
                  </Form.Item>
                  {fields.length > 1 && (
                    <Button onClick={() => remove(f.name)} style={{ marginTop: i === 0 ? 30 : 0 }}>
                      删除成员
                    </Button>
                  )}
                </Space>
              ))}
              <div style={{ marginBottom: 16 }}>
                <Button onClick={() => add({})}>添加家庭成员</Button>
              </div>
            </>
          )}
        </Form.List>
        <Space wrap>
          <Form.Item name="phone" label="联系电话">
            <Input style={{ width: 180 }} />
          </Form.Item>
          <Form.Item name="address" label="住址">
            <Input style={{ width: 320 }} />
          </Form.Item>
        </Space>
        <Form.Item name="reason" label="登记原因">
          <Input placeholder="如：新增突发严重困难户" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

type Action = 'correct' | 'add' | 'remove' | 'close';

function Household({ id }: { id: string }) {
  const { me } = useSession();
  const labels = useMemberLabels();
  const navigate = useNavigate();
  const [h, setH] = useState<HouseholdView>();
  const [action, setAction] = useState<Action>();
  const [starting, setStarting] = useState(false);
  const load = () => api.get<HouseholdView>(`/api/households/${id}`).then(setH);
  useEffect(() => {
    load();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [id]);
  const current = useMemo(() => (h?.members ?? []).filter((m) => m.active), [h]);
  if (!h) return <Spin style={{ display: 'block', margin: 48 }} />;
  const hh = h.household;
  const editable = isRegistrar(me?.roles) && !hh.closed_at;
  const label = (k: string, v?: string) => (v ? (labels[k]?.[v] ?? v) : '—');
  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <Card
        title={`${hh.head_name}户`}
        extra={
          <Space wrap>
            {hh.closed_at ? (
              <Tag>已注销</Tag>
            ) : (
              <Tag
                color={
                  hh.monitoring_status === 'monitored'
                    ? 'orange'
                    : hh.monitoring_status === 'warning'
                      ? 'red'
                      : 'default'
                }
              >
                {MONITORING[hh.monitoring_status]}
              </Tag>
            )}
            {editable && (
              <>
                <Button type="primary" onClick={() => setStarting(true)}>
                  发起办理
                </Button>
                <Button onClick={() => setAction('correct')}>信息更正</Button>
                <Button onClick={() => setAction('add')}>成员增加</Button>
                <Button onClick={() => setAction('remove')}>成员减少</Button>
                <Button danger onClick={() => setAction('close')}>
                  注销
                </Button>
              </>
            )}
          </Space>
        }
      >
        <Descriptions size="small" column={{ xs: 1, sm: 2, md: 3 }}>
          <Descriptions.Item label="户编号">{hh.id}</Descriptions.Item>
          <Descriptions.Item label="所在村">{hh.org_name}</Descriptions.Item>
          <Descriptions.Item label="户主身份证">{hh.head_id_number}</Descriptions.Item>
          <Descriptions.Item label="监测类型">
            {MONITOR_TYPE[hh.monitoring_type ?? ''] ?? '—'}
          </Descriptions.Item>
          <Descriptions.Item label="帮扶联系人">
            {hh.monitor_contact ? `${hh.monitor_contact.name} ${hh.monitor_contact.phone ?? ''}` : '—'}
          </Descriptions.Item>
          <Descriptions.Item label="在办案件">
            {hh.active_case_id ? <Link to={`/cases/${hh.active_case_id}`}>{hh.active_case_id}</Link> : '无'}
          </Descriptions.Item>
          <Descriptions.Item label="联系电话">{hh.phone ?? '—'}</Descriptions.Item>
          <Descriptions.Item label="住址">{hh.address ?? '—'}</Descriptions.Item>
          {hh.closed_at && (
            <Descriptions.Item label="注销">
              {fmtDate(hh.closed_at)} {CLOSE[hh.close_reason as keyof typeof CLOSE] ?? ''}{' '}
              {hh.close_note ?? ''}
            </Descriptions.Item>
          )}
        </Descriptions>
      </Card>
      <Card title="家庭成员">
        <Table
          size="small"
          rowKey="idNumber"
          pagination={false}
          dataSource={h.members}
          scroll={{ x: 640 }}
          rowClassName={(m: HouseholdMember) => (m.active ? '' : 'zx-former')}
          columns={[
            {
              title: '姓名',
              dataIndex: 'name',
              render: (n: string, m: HouseholdMember) =>
                m.active ? n : <span style={{ color: '#999' }}>{n}</span>,
            },
            { title: '身份证号', dataIndex: 'idNumber' },
            { title: '与户主关系', dataIndex: 'relation', render: (v: string) => label('relation', v) },
            { title: '健康状况', dataIndex: 'health', render: (v: string) => label('health', v) },
            { title: '劳动技能', dataIndex: 'labour', render: (v: string) => label('labour', v) },
            {
              title: '状态',
              render: (m: HouseholdMember) =>
                m.active
                  ? '在户'
                  : `${LEAVE[m.leftReason as keyof typeof LEAVE] ?? '已减少'} ${m.leftOn ?? ''}`,
            },
          ]}
        />
      </Card>
      <Card title="档案变更记录">
        <Table
          size="small"
          rowKey="seq"
          pagination={{ pageSize: 10, hideOnSinglePage: true }}
          dataSource={h.history}
          scroll={{ x: 640 }}
          columns={[
            { title: '时间', dataIndex: 'at', render: (v: string) => fmt(v) },
            { title: '变更', dataIndex: 'kind', render: (k: string) => HISTORY[k] ?? k },
            { title: '成员', dataIndex: 'member_name', render: (v: string) => v ?? '—' },
            { title: '原因', dataIndex: 'reason', render: (v: string) => v ?? '—' },
            { title: '生效日期', dataIndex: 'effective_on', render: (v: string) => v ?? '—' },
            {
              title: '经办人',
              render: (r: HouseholdHistoryEntry) =>
                r.actor_name ??
                (r.case_id ? <Link to={`/cases/${r.case_id}`}>案件 {r.case_id}</Link> : '系统'),
            },
          ]}
        />
      </Card>
      <Card title="附件2（户情况采集表）版本">
        {h.collections.length ? (
          <Table
            size="small"
            rowKey={(r: HouseholdCollection) => `${r.stage}-${r.case_id}`}
            pagination={false}
            dataSource={h.collections}
            columns={[
              { title: '版本', dataIndex: 'version' },
              { title: '阶段', dataIndex: 'stage', render: (s: string) => STAGE[s] ?? s },
              {
                title: '案件',
                dataIndex: 'case_id',
                render: (c: string) => <Link to={`/cases/${c}`}>{c}</Link>,
              },
              { title: '写回时间', dataIndex: 'written_at', render: (v: string) => fmt(v) },
            ]}
          />
        ) : (
          '暂无经审定的附件2'
        )}
      </Card>
      <Card title="户的历程（案件、状态、预警、排查、评估）">
        <Timeline
          items={
            h.timeline?.length
              ? h.timeline.map((e, i) => ({
                  key: `${e.kind}-${e.at}-${i}`,
                  color: TIMELINE_COLOR[e.kind] ?? 'gray',
                  children: (
                    <div>
                      <div style={{ color: '#888', fontSize: 12 }}>
                        {fmt(e.at)} · {TIMELINE_KIND[e.kind] ?? HISTORY[e.kind] ?? e.kind}
                        {e.actor_name ? ` · ${e.actor_name}` : ''}
                      </div>
                      <div>
                        {e.case_id && e.kind.startsWith('case.') ? (
                          <Link to={`/cases/${e.case_id}`}>{e.text}</Link>
                        ) : (
                          e.text
                        )}{' '}
                        {e.kind === 'case.ended' && e.status && STATUS[e.status] && (
                          <Tag color={STATUS[e.status].color}>{STATUS[e.status].text}</Tag>
                        )}
                        {e.kind === 'case.started' && e.status === 'running' && <Tag color="blue">在办</Tag>}
                        {e.case_id && !e.kind.startsWith('case.') && (
                          <Link to={`/cases/${e.case_id}`} style={{ fontSize: 12 }}>
                            {e.case_id}
                          </Link>
                        )}
                      </div>
                      {e.documents && e.documents.length > 0 && (
                        <Space wrap size={4} style={{ marginTop: 4 }}>
                          {e.documents.map((d) => (
                            <Link
                              key={`${d.step_id}-${d.form_key}`}
                              to={`/cases/${e.case_id}/print/${d.form_key}`}
                            >
                              <Tag>{d.form_title ?? d.form_key}</Tag>
                            </Link>
                          ))}
                        </Space>
                      )}
                    </div>
                  ),
                }))
              : [{ children: '暂无记录' }]
          }
        />
      </Card>
      {starting && (
        <StartCase
          open
          preset={{ org: hh.org_id, subject: hh.id }}
          onClose={() => setStarting(false)}
          onStarted={(c) => {
            setStarting(false);
            message.success('已发起');
            navigate(`/cases/${c}`);
          }}
        />
      )}
      {action && (
        <Change
          id={id}
          action={action}
          members={current}
          labels={labels}
          onClose={() => setAction(undefined)}
          onDone={() => {
            setAction(undefined);
            load();
          }}
        />
      )}
    </Space>
  );
}

const TITLES: Record<Action, string> = {
  correct: '信息更正',
  add: '成员增加',
  remove: '成员减少',
  close: '注销农户',
};

/** One dialog per change; each asks for its reason (and date) as the registry requires. */
function Change({
  id,
  action,
  members,
  labels,
  onClose,
  onDone,
}: {
  id: string;
  action: Action;
  members: HouseholdMember[];
  labels: Record<string, Record<string, string>>;
  onClose: () => void;
  onDone: () => void;
}) {
  const [form] = Form.useForm();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const relation = Object.entries(labels.relation ?? {}).map(([value, label]) => ({ value, label }));
  const submit = async () => {
    const v = await form.validateFields();
    const date = (v.date as Dayjs | undefined)?.format('YYYY-MM-DD');
    const body =
      action === 'correct'
        ? {
            reason: v.reason,
            phone: v.phone ?? undefined,
            address: v.address ?? undefined,
            members: v.member
              ? [
                  {
                    idNumber: v.member,
                    ...(v.name ? { name: v.name } : {}),
                    ...(v.relation ? { relation: v.relation } : {}),
                  },
                ]
              : undefined,
          }
        : action === 'add'
          ? {
              member: { name: v.name, idNumber: v.idNumber, relation: v.relation },
              reason: v.reason,
              date,
              note: v.note,
            }
          : action === 'remove'
            ? { idNumber: v.member, reason: v.reason, date, note: v.note }
            : { reason: v.reason, mergedInto: v.mergedInto, date, note: v.note };
    const path = { correct: 'correct', add: 'members', remove: 'members/remove', close: 'close' }[action];
    setBusy(true);
    setError(undefined);
    try {
      await api.post(`/api/households/${id}/${path}`, body);
      message.success(`${TITLES[action]}已保存`);
      onDone();
    } catch (e) {
      setError(
        e instanceof ApiError
          ? [e.title, ...e.errors.map((x) => x.message)].filter((x, i, a) => a.indexOf(x) === i).join('；')
          : '网络异常，请重试',
      );
    } finally {
      setBusy(false);
    }
  };
  // the member's ID is masked in the page; the server knows it by the row, so members are chosen by name here
  const memberOptions = members.map((m) => ({ value: m.idNumber, label: `${m.name}（${m.idNumber}）` }));
  return (
    <Modal
      open
      title={TITLES[action]}
      okText="保存"
      cancelText="取消"
      onOk={submit}
      onCancel={onClose}
      confirmLoading={busy}
      destroyOnHidden
    >
      {error && <Alert type="error" showIcon role="alert" message={error} style={{ marginBottom: 12 }} />}
      <Form form={form} layout="vertical">
        {action === 'correct' && (
          <>
            <Form.Item name="member" label="更正的成员（可不选）">
              <Select allowClear options={memberOptions} />
            </Form.Item>
            <Form.Item name="name" label="姓名更正为">
              <Input />
            </Form.Item>
            <Form.Item name="relation" label="与户主关系更正为">
              <Select allowClear options={relation} />
            </Form.Item>
            <Form.Item name="phone" label="联系电话">
              <Input />
            </Form.Item>
            <Form.Item name="address" label="住址">
              <Input />
            </Form.Item>
            <Form.Item name="reason" label="更正原因" rules={[{ required: true, message: '请填写更正原因' }]}>
              <Input />
            </Form.Item>
          </>
        )}
        {action === 'add' && (
          <>
            <Form.Item name="name" label="姓名" rules={[{ required: true, message: '请填写姓名' }]}>
              <Input />
            </Form.Item>
            <Form.Item
              name="idNumber"
              label="身份证号"
              rules={[{ required: true, message: '请填写身份证号' }]}
            >
              <Input />
            </Form.Item>
            <Form.Item name="relation" label="与户主关系" rules={[{ required: true, message: '请选择' }]}>
              <Select options={relation.filter((r) => r.value !== '01')} />
            </Form.Item>
            <Form.Item name="reason" label="增加原因" rules={[{ required: true, message: '请选择增加原因' }]}>
              <Select options={options(JOIN)} />
            </Form.Item>
          </>
        )}
        {action === 'remove' && (
          <>
            <Form.Item name="member" label="减少的成员" rules={[{ required: true, message: '请选择成员' }]}>
              <Select options={memberOptions} />
            </Form.Item>
            <Form.Item name="reason" label="减少原因" rules={[{ required: true, message: '请选择减少原因' }]}>
              <Select
                options={options({
                  death: LEAVE.death,
                  marriage_out: LEAVE.marriage_out,
                  split: LEAVE.split,
                  moved_out: LEAVE.moved_out,
                })}
              />
            </Form.Item>
          </>
        )}
        {action === 'close' && (
          <>
            <Form.Item name="reason" label="注销原因" rules={[{ required: true, message: '请选择注销原因' }]}>
              <Select options={options(CLOSE)} />
            </Form.Item>
            <Form.Item name="mergedInto" label="并入的户编号（并户时填写）">
              <Input />
            </Form.Item>
          </>
        )}
        {action !== 'correct' && (
          <>
            <Form.Item name="date" label="发生日期">
              <DatePicker />
            </Form.Item>
            <Form.Item name="note" label="说明">
              <Input />
            </Form.Item>
          </>
        )}
      </Form>
    </Modal>
  );
}
