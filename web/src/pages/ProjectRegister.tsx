/**
 * 项目库 the project library as a register: every entry of my region with its status, plan year and
 * funding (seeds/000…, lines 3407–3425), filtered by year and status; admitted projects are the ones
 * the annual plan selects from (line 3429) and the public listing shows.
 */
import { useEffect, useState } from 'react';
import { Card, InputNumber, Select, Space, Statistic, Table, Tag, Typography } from 'antd';
import { Link } from 'react-router-dom';
import { api } from '../api';
import { useCodeLists } from '../codelists';

interface Entry {
  caseId: string;
  name: string;
  category: string | null;
  location: string | null;
  year: number | null;
  funding: number | null;
  fundingSources: string | null;
  responsibleUnit: string | null;
  status: 'admitted' | 'not_admitted' | 'in_progress' | 'cancelled';
  orgName: string;
  decidedAt: string | null;
}

export const PROJECT_STATUS: Record<Entry['status'], { color: string; text: string }> = {
  admitted: { color: 'success', text: '已入库' },
  not_admitted: { color: 'default', text: '未入库' },
  in_progress: { color: 'processing', text: '入库审核中' },
  cancelled: { color: 'default', text: '已撤销' },
};

export default function ProjectRegister() {
  const label = useCodeLists('project-categories');
  const [year, setYear] = useState<number | null>(null);
  const [status, setStatus] = useState<string>();
  const [data, setData] = useState<{ items: Entry[]; totals: { admitted: number; funding: number } }>();
  useEffect(() => {
    const q = new URLSearchParams();
    if (year) q.set('year', String(year));
    if (status) q.set('status', status);
    void api.get<typeof data>(`/api/registers/projects?${q}`).then(setData);
  }, [year, status]);
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Card size="small" title="项目库" extra={<Link to="/registers/asset-ledgers">资产台账</Link>}>
        <Space wrap>
          <InputNumber
            placeholder="计划年度"
            min={2000}
            max={2100}
            value={year}
            onChange={setYear}
            aria-label="计划年度"
          />
          <Select
            allowClear
            placeholder="状态"
            aria-label="状态"
            style={{ minWidth: 140 }}
            value={status}
            onChange={setStatus}
            options={Object.entries(PROJECT_STATUS).map(([value, s]) => ({ value, label: s.text }))}
          />
          <Statistic title="已入库项目" value={data?.totals.admitted ?? 0} suffix="个" />
          <Statistic title="已入库总投资" value={data?.totals.funding ?? 0} suffix="万元" precision={2} />
        </Space>
      </Card>
      <Table<Entry>
        rowKey="caseId"
        size="small"
        loading={!data}
        dataSource={data?.items}
        scroll={{ x: 760 }}
        pagination={{ pageSize: 20 }}
        columns={[
          {
            title: '项目名称',
            dataIndex: 'name',
            render: (v, r) => <Link to={`/cases/${r.caseId}`}>{v}</Link>,
          },
          { title: '类别', dataIndex: 'category', render: (v) => (v ? label('project-categories', v) : '—') },
          { title: '申报单位', dataIndex: 'orgName' },
          { title: '年度', dataIndex: 'year', render: (v) => v ?? '—' },
          {
            title: '总投资（万元）',
            dataIndex: 'funding',
            align: 'right',
            render: (v) => (typeof v === 'number' ? v.toLocaleString('zh-CN') : '—'),
          },
          {
            title: '状态',
            dataIndex: 'status',
            render: (v: Entry['status']) => (
              <Tag color={PROJECT_STATUS[v].color}>{PROJECT_STATUS[v].text}</Tag>
            ),
          },
        ]}
      />
      <Typography.Text type="secondary">已入库项目在公示栏“长期公告”和项目库公开页长期公开。</Typography.Text>
    </Space>
  );
}
