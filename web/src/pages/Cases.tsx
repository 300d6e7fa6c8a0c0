/** 案件查询 the cases of my region with filters (village, status, start date, overdue) and an Excel export of the list. */
import { useEffect, useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import { Button, Card, Checkbox, DatePicker, Select, Space, Table, Tag } from 'antd';
import { DownloadOutlined } from '@ant-design/icons';
import type { Dayjs } from 'dayjs';
import { api, type CaseListItem, type CurrentStep, type Items, type OrgNode } from '../api';
import { useSession } from '../session';
import { fmt, PROCESS, STATUS } from '../labels';

export default function Cases() {
  const { me } = useSession();
  const [items, setItems] = useState<CaseListItem[]>([]);
  const [status, setStatus] = useState<string>();
  const [org, setOrg] = useState<string>();
  const [range, setRange] = useState<[Dayjs | null, Dayjs | null] | null>(null);
  const [overdue, setOverdue] = useState(false);
  const [villages, setVillages] = useState<{ value: string; label: string }[]>([]);
  const [loading, setLoading] = useState(true);
  useEffect(() => {
    // the villages under my nodes
    const mine = new Set(me?.roles.map((r) => r.org?.id));
    api.get<Items<OrgNode>>('/api/orgs').then((r) => {
      const under = new Set<string>();
      for (const o of r.items) if (mine.has(o.id) || (o.parent_id && under.has(o.parent_id))) under.add(o.id);
      setVillages(
        r.items
          .filter((o) => o.level === 'village' && under.has(o.id))
          .map((o) => ({ value: o.id, label: o.name })),
      );
    });
  }, [me]);
  const query = useMemo(() => {
    const q = new URLSearchParams();
    if (status) q.set('status', status);
    if (org) q.set('org', org);
    if (range?.[0]) q.set('from', range[0].format('YYYY-MM-DD'));
    if (range?.[1]) q.set('to', range[1].format('YYYY-MM-DD'));
    if (overdue) q.set('overdue', '1');
    return q.toString();
  }, [status, org, range, overdue]);
  useEffect(() => {
    setLoading(true);
    api
      .get<Items<CaseListItem>>(`/api/cases${query ? `?${query}` : ''}`)
      .then((r) => setItems(r.items))
      .finally(() => setLoading(false));
  }, [query]);
  return (
    <Card
      title="案件查询"
      extra={
        <Button
          icon={<DownloadOutlined />}
          href={`/api/cases/export.xlsx${query ? `?${query}` : ''}`}
          download
        >
          导出Excel
        </Button>
      }
    >
      <Space wrap style={{ marginBottom: 12 }}>
        <Select
          aria-label="村"
          allowClear
          showSearch
          optionFilterProp="label"
          placeholder="村"
          style={{ width: 140 }}
          value={org}
          onChange={setOrg}
          options={villages}
        />
        <Select
          aria-label="状态"
          allowClear
          placeholder="状态"
          style={{ width: 120 }}
          value={status}
          onChange={setStatus}
          options={Object.entries(STATUS)
            .slice(0, 6)
            .map(([value, s]) => ({ value, label: s.text }))}
        />
        <DatePicker.RangePicker
          aria-label="发起日期"
          value={range}
          onChange={(v) => setRange(v as never)}
          placeholder={['发起日期起', '止']}
          style={{ maxWidth: 260 }}
        />
        <Checkbox checked={overdue} onChange={(e) => setOverdue(e.target.checked)}>
          仅超期
        </Checkbox>
      </Space>
      <Table
        rowKey="id"
        loading={loading}
        dataSource={items}
        scroll={{ x: 700 }}
        columns={[
          {
            title: '案件',
            dataIndex: 'title',
            render: (t: string, r: CaseListItem) => <Link to={`/cases/${r.id}`}>{t}</Link>,
          },
          { title: '事项', dataIndex: 'process_key', render: (k: string) => PROCESS[k] ?? k },
          { title: '地区', dataIndex: 'org_name' },
          {
            title: '当前环节',
            dataIndex: 'current_steps',
            render: (s: CurrentStep[], r: CaseListItem) => (
              <>
                {s.map((x) => x.title).join('、') || '—'}
                {r.overdue && (
                  <Tag color="error" style={{ marginLeft: 4 }}>
                    已超期
                  </Tag>
                )}
              </>
            ),
          },
          {
            title: '状态',
            dataIndex: 'status',
            render: (s: string) => <Tag color={STATUS[s]?.color}>{STATUS[s]?.text ?? s}</Tag>,
          },
          { title: '发起时间', dataIndex: 'started_at', render: fmt },
        ]}
      />
    </Card>
  );
}
