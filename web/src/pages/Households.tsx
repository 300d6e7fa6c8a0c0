/** 农户 search households in my region; a household page with members, monitoring status and its cases. */
import { useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { Card, Descriptions, Input, Space, Spin, Table, Tag, Timeline } from 'antd';
import { api } from '../api';
import { fmt, fmtDate, MONITOR_TYPE, MONITORING, PROCESS, STATUS } from '../labels';
import { useCodeLists } from '../codelists';

export default function Households() {
  const { id } = useParams();
  return id ? <Household id={id} /> : <Search />;
}

function Search() {
  const [q, setQ] = useState('');
  const [items, setItems] = useState<any[]>();
  const navigate = useNavigate();
  useEffect(() => {
    api.get(`/api/households${q ? `?q=${encodeURIComponent(q)}` : ''}`).then((r) => setItems(r.items));
  }, [q]);
  return (
    <Card title="农户查询" extra={<Input.Search allowClear placeholder="户主姓名或户编号" onSearch={setQ} style={{ width: 220 }} aria-label="搜索农户" />}>
      <Table rowKey="id" loading={!items} dataSource={items} scroll={{ x: 700 }} onRow={(r) => ({ onClick: () => navigate(`/households/${r.id}`), style: { cursor: 'pointer' } })}
        columns={[
          { title: '户编号', dataIndex: 'id' },
          { title: '户主', dataIndex: 'head_name', render: (n: string, r: any) => <Link to={`/households/${r.id}`}>{n}</Link> },
          { title: '身份证号', dataIndex: 'head_id_number' },
          { title: '村', dataIndex: 'org_name' },
          { title: '人口', dataIndex: 'size' },
          { title: '监测状态', dataIndex: 'monitoring_status', render: (s: string) => <Tag color={s === 'monitored' ? 'orange' : s === 'eliminated' ? 'green' : 'default'}>{MONITORING[s] ?? s}</Tag> },
          { title: '类型', dataIndex: 'monitoring_type', render: (t: string) => MONITOR_TYPE[t] ?? '—' },
        ]} />
    </Card>
  );
}

function Household({ id }: { id: string }) {
  const [h, setH] = useState<any>();
  const label = useCodeLists('relations', 'health');
  useEffect(() => {
    api.get(`/api/households/${id}`).then(setH);
  }, [id]);
  if (!h) return <Spin style={{ display: 'block', margin: 48 }} />;
  const hh = h.household;
  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <Card title={`${hh.head_name}户`} extra={<Tag color={hh.monitoring_status === 'monitored' ? 'orange' : 'default'}>{MONITORING[hh.monitoring_status]}</Tag>}>
        <Descriptions size="small" column={{ xs: 1, sm: 2, md: 3 }}>
          <Descriptions.Item label="户编号">{hh.id}</Descriptions.Item>
          <Descriptions.Item label="所在村">{hh.org_name}</Descriptions.Item>
          <Descriptions.Item label="户主身份证">{hh.head_id_number}</Descriptions.Item>
          <Descriptions.Item label="监测类型">{MONITOR_TYPE[hh.monitoring_type] ?? '—'}</Descriptions.Item>
          <Descriptions.Item label="帮扶联系人">{hh.monitor_contact ? `${hh.monitor_contact.name} ${hh.monitor_contact.phone ?? ''}` : '—'}</Descriptions.Item>
          <Descriptions.Item label="在办案件">{hh.active_case_id ? <Link to={`/cases/${hh.active_case_id}`}>{hh.active_case_id}</Link> : '无'}</Descriptions.Item>
        </Descriptions>
      </Card>
      <Card title="家庭成员">
        <Table size="small" rowKey="idNumber" pagination={false} dataSource={hh.members} scroll={{ x: 500 }}
          columns={[{ title: '姓名', dataIndex: 'name' }, { title: '身份证号', dataIndex: 'idNumber' }, { title: '与户主关系', dataIndex: 'relation', render: (c: string) => label('relations', c) }, { title: '健康', dataIndex: 'health', render: (c: string) => label('health', c) }]} />
      </Card>
      <Card title="办理历程">
        <Timeline items={h.cases.length ? h.cases.map((c: any) => ({
          color: c.status === 'approved' ? 'green' : c.status === 'running' ? 'blue' : 'gray',
          children: <span><Link to={`/cases/${c.id}`}>{PROCESS[c.process_key] ?? c.process_key}</Link> <Tag color={STATUS[c.status]?.color}>{STATUS[c.status]?.text}</Tag> {fmtDate(c.started_at)}{c.ended_at ? ` — ${fmt(c.ended_at)}` : ''}</span>,
        })) : [{ children: '暂无办理记录' }]} />
      </Card>
    </Space>
  );
}
