/** 配置 the administrator's home: forms, processes, yearly parameters, the policy pack. */
import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { Alert, App, Button, Card, Col, Input, InputNumber, Row, Space, Table, Tag, Typography } from 'antd';
import { api, ApiError } from '../api';

export default function AdminHome() {
  const { message } = App.useApp();
  const [forms, setForms] = useState<any[]>([]);
  const [processes, setProcesses] = useState<any[]>([]);
  const [params, setParams] = useState<any[]>([]);
  const [edit, setEdit] = useState<Record<string, { year: number; value: string }>>({});
  const [diff, setDiff] = useState<any[]>();
  const load = () => {
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
      message.error(err instanceof ApiError ? err.errors[0]?.message ?? err.title : '保存失败');
    }
  };
  const preview = async () => {
    const exported = await api.get('/api/admin/packs/hunan/export');
    const r = await api.post('/api/admin/packs/import', { ...exported, dryRun: true });
    setDiff(r.diff);
  };
  const byKey = Object.values(params.reduce((acc: Record<string, any[]>, p) => ((acc[p.key] ??= []).push(p), acc), {})) as any[][];
  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} lg={12}>
        <Card title="表单（无需编程即可修改字段）">
          <Table size="small" rowKey="key" pagination={false} dataSource={forms}
            columns={[{ title: '表单', dataIndex: 'title', render: (t: any, r: any) => <Link to={`/admin/forms/${r.key}`}>{t?.zh ?? r.key}</Link> }, { title: '编码', dataIndex: 'key' }, { title: '版本', dataIndex: 'version', render: (v: number) => <Tag>v{v}</Tag> }]} />
        </Card>
      </Col>
      <Col xs={24} lg={12}>
        <Card title="流程（无需编程即可修改审批步骤）">
          <Table size="small" rowKey="key" pagination={false} dataSource={processes}
            columns={[{ title: '流程', dataIndex: 'title', render: (t: any, r: any) => <Link to={`/admin/processes/${r.key}`}>{t?.zh ?? r.key}</Link> }, { title: '编码', dataIndex: 'key' }, { title: '版本', dataIndex: 'version', render: (v: number) => <Tag>v{v}</Tag> }]} />
        </Card>
        <Card title="政策包" style={{ marginTop: 16 }} extra={<Button onClick={preview}>预览与当前配置的差异</Button>}>
          {diff && (diff.length ? diff.map((d) => <div key={d.kind + d.key}><Tag>{d.kind}</Tag>{d.key}：{d.change} {d.paths?.join(', ')}</div>) : <Alert type="success" message="导出的政策包与当前配置一致" />)}
        </Card>
      </Col>
      <Col span={24}>
        <Card title="年度政策参数（保留历史）">
          <Table size="small" rowKey={(r) => r[0].key} pagination={false} dataSource={byKey} scroll={{ x: 700 }}
            columns={[
              { title: '参数', render: (r: any[]) => r[0].title?.zh ?? r[0].key },
              { title: '历年取值', render: (r: any[]) => r.map((p) => <Tag key={p.year}>{p.year}：{String(p.value)}</Tag>) },
              { title: '依据', render: (r: any[]) => <Typography.Text type="secondary">{r[0].source ? `${r[0].source.file} 第${r[0].source.lines}行` : ''}</Typography.Text> },
              {
                title: '新增/修改年度值',
                render: (r: any[]) => {
                  const k = r[0].key;
                  const e = edit[k] ?? { year: new Date().getFullYear(), value: String(r.at(-1).value) };
                  return (
                    <Space>
                      <InputNumber aria-label={`${k} 年度`} value={e.year} min={2000} max={2100} onChange={(v) => setEdit({ ...edit, [k]: { ...e, year: v ?? e.year } })} />
                      <Input aria-label={`${k} 取值`} style={{ width: 100 }} value={e.value} onChange={(x) => setEdit({ ...edit, [k]: { ...e, value: x.target.value } })} />
                      <Button onClick={() => void save(k, e)}>保存</Button>
                    </Space>
                  );
                },
              },
            ]} />
        </Card>
      </Col>
    </Row>
  );
}

function latest(items: any[]) {
  const m = new Map<string, any>();
  for (const i of items) if (i.status === 'published' && (!m.has(i.key) || m.get(i.key).version < i.version)) m.set(i.key, i);
  return [...m.values()];
}
