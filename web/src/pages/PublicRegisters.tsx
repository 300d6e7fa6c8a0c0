/**
 * 项目库和资产台账公开 (no login): the admitted projects of a place (seeds/000…, line 3417: 入库项目
 * 长期公告) and its published asset ledgers (line 3335: 县级台账长期公开). A page of its own beside the
 * notice board, at /public/registers?org=….
 */
import { useEffect, useState } from 'react';
import { Card, Empty, List, Select, Space, Typography } from 'antd';
import { useSearchParams } from 'react-router-dom';
import { api } from '../api';

interface Place {
  id: string;
  name: string;
  level: string;
}

/** one admitted project as the public listing shows it */
interface PublicProject {
  name: string;
  year?: number | string | null;
  location?: string | null;
  funding?: number | null;
  fundingSources?: string | null;
}

/** one published asset ledger line */
interface PublicLedger {
  assetName: string;
  orgName: string;
  value?: number | null;
  owner?: string | null;
  manager?: string | null;
}

export default function PublicRegisters() {
  const [params, setParams] = useSearchParams();
  const org = params.get('org') ?? undefined;
  const [places, setPlaces] = useState<Place[]>([]);
  const [projects, setProjects] = useState<PublicProject[]>();
  const [ledgers, setLedgers] = useState<PublicLedger[]>();
  useEffect(() => void api.get<{ items: Place[] }>('/api/public/orgs').then((r) => setPlaces(r.items)), []);
  useEffect(() => {
    if (!org) return;
    void api
      .get<{ items: PublicProject[] }>(`/api/public/registers/projects?org=${encodeURIComponent(org)}`)
      .then((r) => setProjects(r.items));
    void api
      .get<{ items: PublicLedger[] }>(`/api/public/registers/asset-ledgers?org=${encodeURIComponent(org)}`)
      .then((r) => setLedgers(r.items));
  }, [org]);
  const money = (n: unknown, unit: string) =>
    typeof n === 'number' ? `${n.toLocaleString('zh-CN')} ${unit}` : '—';
  return (
    <div style={{ maxWidth: 960, margin: '0 auto', padding: 16 }}>
      <Typography.Title level={3}>项目库与资产台账公开</Typography.Title>
      <Select
        showSearch
        aria-label="地区"
        placeholder="选择县、乡镇或村"
        style={{ width: '100%', maxWidth: 360, marginBottom: 16 }}
        value={org}
        optionFilterProp="label"
        onChange={(v) => setParams({ org: v })}
        options={places.map((p) => ({ value: p.id, label: p.name }))}
      />
      {org && (
        <Space direction="vertical" style={{ width: '100%' }}>
          <Card size="small" title="已入库项目（长期公告）">
            {projects?.length ? (
              <List
                dataSource={projects}
                renderItem={(p) => (
                  <List.Item>
                    <List.Item.Meta
                      title={p.name}
                      description={`${p.year ?? '—'}年度 · ${p.location ?? ''} · 总投资 ${money(p.funding, '万元')} · ${p.fundingSources ?? ''}`}
                    />
                  </List.Item>
                )}
              />
            ) : (
              <Empty description="暂无已入库项目" />
            )}
          </Card>
          <Card size="small" title="资产台账（长期公开）">
            {ledgers?.length ? (
              <List
                dataSource={ledgers}
                renderItem={(l) => (
                  <List.Item>
                    <List.Item.Meta
                      title={l.assetName}
                      description={`${l.orgName} · 价值 ${money(l.value, '元')} · 所有权人 ${l.owner ?? '—'} · 管护主体 ${l.manager ?? '—'}`}
                    />
                  </List.Item>
                )}
              />
            ) : (
              <Empty description="暂无已公开的资产台账" />
            )}
          </Card>
        </Space>
      )}
    </div>
  );
}
