/** 配置 the administrator's home: forms, processes, yearly parameters, follow-up schedules, the policy pack. */
import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { Alert, App, Button, Card, Col, Input, InputNumber, Row, Space, Table, Tag, Typography } from 'antd';
import type {
  CalendarStatus,
  Items,
  ParameterRow,
  PolicySource,
  ScheduleView,
  VersionRow,
} from '../../../shared/api-types';
import type { Text } from '../../../workflows/definition';
import { api, ApiError } from '../api';
import CodeLists from './CodeLists';
import CopyAs from './CopyAs';
import Packs from './Packs';

export default function AdminHome() {
  const { message } = App.useApp();
  const [forms, setForms] = useState<VersionRow[]>([]);
  const [processes, setProcesses] = useState<VersionRow[]>([]);
  const [params, setParams] = useState<ParameterRow[]>([]);
  const [edit, setEdit] = useState<Record<string, { year: number; value: string }>>({});
  const [schedules, setSchedules] = useState<ScheduleView[]>([]);
  const [calendarWarning, setCalendarWarning] = useState<string | null>(null);
  useEffect(() => {
    api
      .get<CalendarStatus>('/api/calendar/status')
      .then((s) => setCalendarWarning(s.message))
      .catch(() => {});
  }, []);
  const load = () => {
    api
      .get<Items<ScheduleView>>('/api/admin/schedules')
      .then((r) => setSchedules(r.items))
      .catch(() => setSchedules([]));
    api.get<Items<VersionRow>>('/api/admin/forms').then((r) => setForms(latest(r.items)));
    api.get<Items<VersionRow>>('/api/admin/processes').then((r) => setProcesses(latest(r.items)));
    api.get<Items<ParameterRow>>('/api/admin/parameters').then((r) => setParams(r.items));
  };
  useEffect(load, []);
  const save = async (key: string, e: { year: number; value: string }) => {
    const old = params.find((p) => p.key === key);
    const value = typeof old?.value === 'number' ? Number(e.value) : e.value;
    try {
      await api.post('/api/admin/parameters', { key, year: e.year, value });
      message.success('已保存，新发起的案件按新值办理');
      load();
    } catch (err) {
      message.error(err instanceof ApiError ? (err.errors[0]?.message ?? err.title) : '保存失败');
    }
  };
  const runNow = async (id: string, title: string) => {
    try {
      await api.post(`/api/admin/schedules/${id}/run`, {});
      message.success(`已开始执行：${title}，各单位待办稍后出现`);
      setTimeout(load, 1500);
    } catch (err) {
      message.error(err instanceof ApiError ? err.title : '执行失败');
    }
  };
  // one row per parameter: its yearly values, oldest first
  const byKey = Object.values(
    params.reduce<Record<string, ParameterRow[]>>((acc, p) => ((acc[p.key] ??= []).push(p), acc), {}),
  );
  return (
    <Row gutter={[16, 16]}>
      {calendarWarning && (
        <Col span={24}>
          <Alert
            type="warning"
            showIcon
            message={calendarWarning}
            action={<Link to="/admin/calendar">去录入</Link>}
          />
        </Col>
      )}
      <Col xs={24} lg={12}>
        <Card title="表单（无需编程即可修改字段）">
          <Table
            size="small"
            rowKey="key"
            pagination={false}
            dataSource={forms}
            columns={[
              {
                title: '表单',
                dataIndex: 'title',
                render: (t: Text | null, r: VersionRow) => (
                  <Link to={`/admin/forms/${r.key}`}>{t?.zh ?? r.key}</Link>
                ),
              },
              { title: '版本', dataIndex: 'version', render: (v: number) => <Tag>v{v}</Tag> },
              {
                title: '操作',
                render: (r: VersionRow) => (
                  <CopyAs kind="form" source={r.key} title={r.title?.zh ?? r.key} onCopied={load} />
                ),
              },
            ]}
          />
        </Card>
      </Col>
      <Col xs={24} lg={12}>
        <Card title="流程（无需编程即可修改审批步骤）">
          <Table
            size="small"
            rowKey="key"
            pagination={false}
            dataSource={processes}
            columns={[
              {
                title: '流程',
                dataIndex: 'title',
                render: (t: Text | null, r: VersionRow) => (
                  <Link to={`/admin/processes/${r.key}`}>{t?.zh ?? r.key}</Link>
                ),
              },
              { title: '版本', dataIndex: 'version', render: (v: number) => <Tag>v{v}</Tag> },
              {
                title: '操作',
                render: (r: VersionRow) => (
                  <CopyAs
                    kind="process"
                    source={r.key}
                    title={r.title?.zh ?? r.key}
                    forms={forms.map((f) => f.key)}
                    onCopied={load}
                  />
                ),
              },
            ]}
          />
        </Card>
        <Card title="组织机构" style={{ marginTop: 16 }} extra={<Link to="/admin/org-tree">打开</Link>}>
          省、市、县、乡镇、村（社区）各级行政区划：导入区划清单、撤销机构。
        </Card>
        <Card title="节假日安排" style={{ marginTop: 16 }} extra={<Link to="/admin/calendar">打开</Link>}>
          按工作日计算的公示期和办理期限所依据的放假和调休上班安排，每年由管理员按国务院办公厅通知录入并发布。
        </Card>
        <Packs onImported={load} />
        <Link to="/admin/overlays">模板与覆盖：各省政策包相对全国模板的改动 →</Link>
      </Col>
      <Col span={24}>
        <Card title="定时任务（常态化监测：季度评估、集中排查、部门数据比对、长期监测户分析）">
          <Table
            size="small"
            rowKey="id"
            pagination={false}
            dataSource={schedules}
            scroll={{ x: 900 }}
            columns={[
              {
                title: '任务',
                dataIndex: 'title',
                render: (t: Text, r: ScheduleView) => (
                  <Space direction="vertical" size={0}>
                    <span>{t?.zh ?? r.id}</span>
                    <Typography.Text type="secondary">{sourceText(r.source)}</Typography.Text>
                  </Space>
                ),
              },
              { title: '对象', dataIndex: 'targetsTitle', render: (t?: Text) => t?.zh },
              {
                title: '下次执行（北京时间）',
                dataIndex: 'nextRuns',
                render: (runs: string[], r: ScheduleView) =>
                  r.registered ? (
                    runs.slice(0, 2).map((x) => (
                      <Tag key={x}>
                        {new Date(x).toLocaleString('zh-CN', {
                          timeZone: 'Asia/Shanghai',
                          dateStyle: 'medium',
                          timeStyle: 'short',
                        })}
                      </Tag>
                    ))
                  ) : (
                    <Tag color="warning">未注册</Tag>
                  ),
              },
              {
                title: '最近一轮',
                dataIndex: 'rounds',
                render: (rounds: ScheduleView['rounds']) =>
                  rounds[0]
                    ? `${new Date(rounds[0].startedAt).toLocaleString('zh-CN')}：发起 ${rounds[0].started} 件${rounds[0].skipped ? `，跳过 ${rounds[0].skipped} 件（上一轮未办结）` : ''}`
                    : '尚未执行',
              },
              {
                title: '操作',
                render: (r: ScheduleView) => (
                  <Button size="small" disabled={!r.registered} onClick={() => void runNow(r.id, r.title.zh)}>
                    立即执行
                  </Button>
                ),
              },
            ]}
          />
        </Card>
      </Col>
      <Col span={24}>
        <CodeLists />
      </Col>
      <Col span={24}>
        <Card title="年度政策参数（保留历史）">
          <Table
            size="small"
            rowKey={(r) => r[0].key}
            pagination={false}
            dataSource={byKey}
            scroll={{ x: 700 }}
            columns={[
              { title: '参数', render: (r: ParameterRow[]) => r[0].title?.zh ?? r[0].key },
              {
                title: '历年取值',
                render: (r: ParameterRow[]) =>
                  r.map((p) => (
                    <Tag key={p.year}>
                      {p.year}：{String(p.value)}
                    </Tag>
                  )),
              },
              {
                title: '依据',
                render: (r: ParameterRow[]) => (
                  <Typography.Text type="secondary">{sourceText(r[0].source ?? undefined)}</Typography.Text>
                ),
              },
              {
                title: '新增/修改年度值',
                render: (r: ParameterRow[]) => {
                  const k = r[0].key;
                  const e = edit[k] ?? { year: new Date().getFullYear(), value: String(r.at(-1)!.value) };
                  return (
                    <Space>
                      <InputNumber
                        aria-label={`${k} 年度`}
                        value={e.year}
                        min={2000}
                        max={2100}
                        onChange={(v) => setEdit({ ...edit, [k]: { ...e, year: v ?? e.year } })}
                      />
                      <Input
                        aria-label={`${k} 取值`}
                        style={{ width: 100 }}
                        value={e.value}
                        onChange={(x) => setEdit({ ...edit, [k]: { ...e, value: x.target.value } })}
                      />
                      <Button onClick={() => void save(k, e)}>保存</Button>
                    </Space>
                  );
                },
              },
            ]}
          />
        </Card>
      </Col>
    </Row>
  );
}

/** the newest published version of each key */
function latest(items: VersionRow[]): VersionRow[] {
  const m = new Map<string, VersionRow>();
  for (const i of items)
    if (i.status === 'published' && (m.get(i.key)?.version ?? 0) < i.version) m.set(i.key, i);
  return [...m.values()];
}

/** 政策依据 the policy text a rule comes from, in words (the seed file's name means nothing to staff) */
function sourceText(source?: PolicySource): string {
  if (!source) return '';
  return source.note ? `依据：${source.note}` : `依据政策文件${source.lines ? ` 第${source.lines}行` : ''}`;
}
