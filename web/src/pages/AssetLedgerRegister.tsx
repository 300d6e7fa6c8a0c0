/**
 * 资产台账 the asset ledgers of my region (seeds/000…, line 3335): each ledger publication with the
 * asset, its value, owner and manager, and whether it is published; the county ledger is published
 * again every year by its own procedure.
 */
import { useEffect, useState } from 'react';
import { Table, Tag, Typography } from 'antd';
import { Link } from 'react-router-dom';
import { api } from '../api';
import { useCodeLists } from '../codelists';

interface Ledger {
  caseId: string;
  assetName: string;
  assetType: string | null;
  value: number | null;
  owner: string | null;
  manager: string | null;
  status: 'published' | 'in_progress' | 'returned' | 'cancelled';
  orgName: string;
  year: number;
  publishedAt: string | null;
}

const STATUS: Record<Ledger['status'], { color: string; text: string }> = {
  published: { color: 'success', text: '已公开' },
  in_progress: { color: 'processing', text: '公示审核中' },
  returned: { color: 'default', text: '已退回' },
  cancelled: { color: 'default', text: '已撤销' },
};

export default function AssetLedgerRegister() {
  const label = useCodeLists('asset-types');
  const [items, setItems] = useState<Ledger[]>();
  useEffect(
    () => void api.get<{ items: Ledger[] }>('/api/registers/asset-ledgers').then((r) => setItems(r.items)),
    [],
  );
  return (
    <>
      <Typography.Title level={4}>
        资产台账{' '}
        <Link style={{ fontSize: 14, fontWeight: 'normal' }} to="/registers/projects">
          项目库
        </Link>
      </Typography.Title>
      <Table<Ledger>
        rowKey="caseId"
        size="small"
        loading={!items}
        dataSource={items}
        scroll={{ x: 760 }}
        pagination={{ pageSize: 20 }}
        columns={[
          {
            title: '资产名称',
            dataIndex: 'assetName',
            render: (v, r) => <Link to={`/cases/${r.caseId}`}>{v}</Link>,
          },
          { title: '类型', dataIndex: 'assetType', render: (v) => (v ? label('asset-types', v) : '—') },
          { title: '所在地', dataIndex: 'orgName' },
          {
            title: '价值（元）',
            dataIndex: 'value',
            align: 'right',
            render: (v) => (typeof v === 'number' ? v.toLocaleString('zh-CN') : '—'),
          },
          { title: '所有权人', dataIndex: 'owner' },
          { title: '管护主体', dataIndex: 'manager' },
          {
            title: '状态',
            dataIndex: 'status',
            render: (v: Ledger['status']) => <Tag color={STATUS[v].color}>{STATUS[v].text}</Tag>,
          },
        ]}
      />
    </>
  );
}
