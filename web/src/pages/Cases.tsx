import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { Card, Select, Space, Table, Tag } from 'antd';
import { api } from '../api';
import { fmt, PROCESS, STATUS } from '../labels';

export default function Cases() {
  const [items, setItems] = useState<any[]>([]);
  const [status, setStatus] = useState<string>();
  const [loading, setLoading] = useState(true);
  useEffect(() => {
    setLoading(true);
    api.get(`/api/cases${status ? `?status=${status}` : ''}`).then((r) => setItems(r.items)).finally(() => setLoading(false));
  }, [status]);
  return (
    <Card title="案件查询" extra={<Space><Select allowClear placeholder="状态" style={{ width: 120 }} value={status} onChange={setStatus} options={Object.entries(STATUS).slice(0, 6).map(([value, s]) => ({ value, label: s.text }))} /></Space>}>
      <Table rowKey="id" loading={loading} dataSource={items} scroll={{ x: 700 }}
        columns={[
          { title: '案件', dataIndex: 'title', render: (t: string, r: any) => <Link to={`/cases/${r.id}`}>{t}</Link> },
          { title: '事项', dataIndex: 'process_key', render: (k: string) => PROCESS[k] ?? k },
          { title: '地区', dataIndex: 'org_name' },
          { title: '当前环节', dataIndex: 'current_steps', render: (s: any[]) => s.map((x) => x.title).join('、') || '—' },
          { title: '状态', dataIndex: 'status', render: (s: string) => <Tag color={STATUS[s]?.color}>{STATUS[s]?.text ?? s}</Tag> },
          { title: '发起时间', dataIndex: 'started_at', render: fmt },
        ]} />
    </Card>
  );
}
