/** 配置 the administrator's home: forms, processes, yearly parameters, follow-up schedules, the policy pack. */
import { useEffect, useRef, useState } from 'react';
import { Link } from 'react-router-dom';
import { Alert, App, Button, Card, Col, Input, InputNumber, Row, Space, Table, Tag, Typography } from 'antd';
import { api, ApiError } from '../api';
import CodeLists from './CodeLists';

export default function AdminHome() {
  const { message } = App.useApp();
  const [forms, setForms] = useState<any[]>([]);
  const [processes, setProcesses] = useState<any[]>([]);
  const [params, setParams] = useState<any[]>([]);
  const [edit, setEdit] = useState<Record<string, { year: number; value: string }>>({});
  const [diff, setDiff] = useState<any[]>();
  const [schedules, setSchedules] = useState<any[]>([]);
  const [calendarWarning, setCalendarWarning] = useState<string | null>(null);
  useEffect(() => {
    api
      .get('/api/calendar/status')
      .then((s) => setCalendarWarning(s.message))
      .catch(() => {});
  }, []);
  const load = () => {
    api
      .get('/api/admin/schedules')
      .then((r) => setSchedules(r.items))
      .catch(() => setSchedules([]));
    api.get('/api/admin/forms').then((r) => setForms(latest(r.items)));
    api.get('/api/admin/processes').then((r) => setProcesses(latest(r.items)));
    api.get('/api/admin/parameters').then((r) => setParams(r.items));
  };
  useEffect(load, []);
  const save = async (key: string, e: { year: number; value: string }) => {
    const old = params.find((p) => p.key === key);
    const value = typeof old.value === 'number' ? Number(e.value) : e.value;
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
  // 政策包 from a file: preview the differences first, import only on confirmation
  const [incoming, setIncoming] = useState<{ bundle: any; diff: any[] }>();
  const packFile = useRef<HTMLInputElement>(null);
  const readPack = async (file: File) => {
    try {
      const bundle = JSON.parse(await file.text());
      const r = await api.post('/api/admin/packs/import', { ...bundle, dryRun: true });
      setIncoming({ bundle, diff: r.diff });
    } catch (err) {
      message.error(
        err instanceof ApiError ? (err.errors[0]?.message ?? err.title) : '文件不是导出的政策包（JSON）',
      );
    } finally {
      if (packFile.current) packFile.current.value = '';
    }
  };
  const importPack = async () => {
    try {
      const r = await api.post('/api/admin/packs/import', incoming!.bundle);
      message.success(`已导入：发布 ${r.published.length} 项新版本`);
      setIncoming(undefined);
      load();
    } catch (err) {
      message.error(err instanceof ApiError ? (err.errors[0]?.message ?? err.title) : '导入失败');
    }
  };
  const exportPack = async () => {
    const bundle = await api.get('/api/admin/packs/hunan/export');
    const a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([JSON.stringify(bundle, null, 2)], { type: 'application/json' }));
    a.download = `pack-${bundle.manifest.id}-${bundle.manifest.version}.json`;
    a.click();
  };
  const preview = async () => {
    const exported = await api.get('/api/admin/packs/hunan/export');
    const r = await api.post('/api/admin/packs/import', { ...exported, dryRun: true });
    setDiff(r.diff);
  };
  const byKey = Object.values(
    params.reduce((acc: Record<string, any[]>, p) => ((acc[p.key] ??= []).push(p), acc), {}),
  ) as any[][];
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
                render: (t: any, r: any) => <Link to={`/admin/forms/${r.key}`}>{t?.zh ?? r.key}</Link>,
              },
              { title: '版本', dataIndex: 'version', render: (v: number) => <Tag>v{v}</Tag> },
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
                render: (t: any, r: any) => <Link to={`/admin/processes/${r.key}`}>{t?.zh ?? r.key}</Link>,
              },
              { title: '版本', dataIndex: 'version', render: (v: number) => <Tag>v{v}</Tag> },
            ]}
          />
        </Card>
        <Card title="节假日安排" style={{ marginTop: 16 }} extra={<Link to="/admin/calendar">打开</Link>}>
          按工作日计算的公示期和办理期限所依据的放假和调休上班安排，每年由管理员按国务院办公厅通知录入并发布。
        </Card>
        <Card
          title="政策包"
          style={{ marginTop: 16 }}
          extra={
            <Space wrap>
              <Button onClick={() => void exportPack()}>导出</Button>
              <Button onClick={() => packFile.current?.click()}>从文件导入…</Button>
              <Button onClick={preview}>预览与当前配置的差异</Button>
            </Space>
          }
        >
          <input
            ref={packFile}
            type="file"
            accept=".json,application/json"
            aria-label="政策包文件"
            style={{ display: 'none' }}
            onChange={(e) => e.target.files?.[0] && void readPack(e.target.files[0])}
          />
          {diff &&
            (diff.length ? (
              diff.map((d) => (
                <div key={d.kind + d.key}>
                  <Tag>{KIND_ZH[d.kind] ?? d.kind}</Tag>
                  {d.title?.zh ?? d.key}：{d.change} {d.paths?.join(', ')}
                </div>
              ))
            ) : (
              <Alert type="success" message="导出的政策包与当前配置一致" />
            ))}
          {incoming && (
            <Alert
              style={{ marginTop: 12 }}
              type={incoming.diff.length ? 'warning' : 'success'}
              showIcon
              message={
                incoming.diff.length
                  ? `导入将改变 ${incoming.diff.length} 项（运行中的案件仍按原版本办理）`
                  : '文件与当前配置一致，无需导入'
              }
              description={
                <Space direction="vertical" style={{ width: '100%' }}>
                  {incoming.diff.map((d) => (
                    <div key={d.kind + d.key}>
                      <Tag>{KIND_ZH[d.kind] ?? d.kind}</Tag>
                      {d.title?.zh ?? d.key}：{d.change} {d.paths?.join(', ')}
                    </div>
                  ))}
                  <Space>
                    {incoming.diff.length > 0 && (
                      <Button type="primary" onClick={() => void importPack()}>
                        确认导入
                      </Button>
                    )}
                    <Button onClick={() => setIncoming(undefined)}>取消</Button>
                  </Space>
                </Space>
              }
            />
          )}
        </Card>
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
                render: (t: any, r: any) => (
                  <Space direction="vertical" size={0}>
                    <span>{t?.zh ?? r.id}</span>
                    <Typography.Text type="secondary">{sourceText(r.source)}</Typography.Text>
                  </Space>
                ),
              },
              { title: '对象', dataIndex: 'targetsTitle', render: (t: any) => t?.zh },
              {
                title: '下次执行（北京时间）',
                dataIndex: 'nextRuns',
                render: (runs: string[], r: any) =>
                  r.registered ? (
                    runs
                      .slice(0, 2)
                      .map((x) => (
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
                render: (rounds: any[]) =>
                  rounds[0]
                    ? `${new Date(rounds[0].startedAt).toLocaleString('zh-CN')}：发起 ${rounds[0].started} 件${rounds[0].skipped ? `，跳过 ${rounds[0].skipped} 件（上一轮未办结）` : ''}`
                    : '尚未执行',
              },
              {
                title: '操作',
                render: (r: any) => (
                  <Button
                    size="small"
                    disabled={!r.registered}
                    onClick={() => void runNow(r.id, r.title?.zh)}
                  >
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
              { title: '参数', render: (r: any[]) => r[0].title?.zh ?? r[0].key },
              {
                title: '历年取值',
                render: (r: any[]) =>
                  r.map((p) => (
                    <Tag key={p.year}>
                      {p.year}：{String(p.value)}
                    </Tag>
                  )),
              },
              {
                title: '依据',
                render: (r: any[]) => (
                  <Typography.Text type="secondary">{sourceText(r[0].source)}</Typography.Text>
                ),
              },
              {
                title: '新增/修改年度值',
                render: (r: any[]) => {
                  const k = r[0].key;
                  const e = edit[k] ?? { year: new Date().getFullYear(), value: String(r.at(-1).value) };
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

function latest(items: any[]) {
  const m = new Map<string, any>();
  for (const i of items)
    if (i.status === 'published' && (!m.has(i.key) || m.get(i.key).version < i.version)) m.set(i.key, i);
  return [...m.values()];
}

/** 政策依据 the policy text a rule comes from, in words (the seed file's name means nothing to staff) */
function sourceText(source?: { file?: string; lines?: string; note?: string }): string {
  if (!source) return '';
  return source.note ? `依据：${source.note}` : `依据政策文件${source.lines ? ` 第${source.lines}行` : ''}`;
}
const KIND_ZH: Record<string, string> = {
  form: '表单',
  process: '流程',
  codelist: '代码表',
  parameter: '参数',
};
