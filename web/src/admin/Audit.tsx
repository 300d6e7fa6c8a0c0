/** 审计日志 the auditor's page: every action, login and permission change, newest first, and the chain check. */
import { useEffect, useState } from 'react';
import { Alert, Button, Card, Input, Space, Table, Typography } from 'antd';
import { api } from '../api';

interface Event {
  seq: number;
  at: string;
  actor_id: string | null;
  action: string;
  target: string | null;
  detail: unknown;
}

/** 校验审计链 the hash chain checked end to end (GET /api/admin/audit/verify) */
interface Verification {
  ok: boolean;
  rows: number;
  brokenAt?: number;
}

export default function Audit() {
  const [items, setItems] = useState<Event[]>([]);
  const [next, setNext] = useState<number | null>(null);
  const [q, setQ] = useState<{ action?: string; actor?: string }>({});
  const [verify, setVerify] = useState<Verification | undefined>();
  const query = (before?: number) => {
    const p = new URLSearchParams();
    if (q.action) p.set('action', q.action);
    if (q.actor) p.set('actor', q.actor);
    if (before) p.set('before', String(before));
    return api.get<{ items: Event[]; nextBefore: number | null }>(`/api/admin/audit?${p}`);
  };
  useEffect(() => {
    void query().then((r) => (setItems(r.items), setNext(r.nextBefore)));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [q]);
  return (
    <Card
      title="审计日志（只增不改，哈希链防篡改）"
      extra={
        <Button onClick={() => api.get<Verification>('/api/admin/audit/verify').then(setVerify)}>
          校验审计链
        </Button>
      }
    >
      {verify && (
        <Alert
          style={{ marginBottom: 12 }}
          showIcon
          type={verify.ok ? 'success' : 'error'}
          message={
            verify.ok
              ? `审计链完整：已校验 ${verify.rows} 条记录`
              : `审计链在第 ${verify.brokenAt} 条处断开，记录可能被改动`
          }
        />
      )}
      <Space style={{ marginBottom: 12 }} wrap>
        <Input.Search
          allowClear
          placeholder="操作（如 user. / task. / login）"
          aria-label="按操作筛选"
          onSearch={(v) => setQ({ ...q, action: v || undefined })}
          style={{ width: 260 }}
        />
        <Input.Search
          allowClear
          placeholder="操作人用户编号"
          aria-label="按操作人筛选"
          onSearch={(v) => setQ({ ...q, actor: v || undefined })}
          style={{ width: 220 }}
        />
      </Space>
      <Table
        size="small"
        rowKey="seq"
        dataSource={items}
        pagination={false}
        scroll={{ x: 900 }}
        columns={[
          { title: '序号', dataIndex: 'seq', width: 80 },
          {
            title: '时间',
            dataIndex: 'at',
            width: 180,
            render: (t: string) => new Date(t).toLocaleString('zh-CN'),
          },
          { title: '操作人', dataIndex: 'actor_id', width: 140 },
          { title: '操作', dataIndex: 'action', width: 160 },
          { title: '对象', dataIndex: 'target', width: 200 },
          {
            title: '详情',
            dataIndex: 'detail',
            render: (d: unknown) => (
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {JSON.stringify(d)}
              </Typography.Text>
            ),
          },
        ]}
      />
      {next && (
        <Button
          style={{ marginTop: 12 }}
          onClick={() =>
            void query(next).then((r) => (setItems([...items, ...r.items]), setNext(r.nextBefore)))
          }
        >
          加载更多
        </Button>
      )}
    </Card>
  );
}
