/**
 * 政策包 every installed pack with its version and the region it is installed for: export one pack, import
 * a pack file after a preview of every effect (forms, processes, parameters, schedules, roles); what would
 * change another pack is refused, and what takes something in use away must be confirmed.
 */
import { useEffect, useRef, useState } from 'react';
import { Alert, App, Button, Card, Space, Table, Tag, Typography } from 'antd';
import { api, ApiError, type FieldError } from '../api';

interface Text {
  zh: string;
  en?: string;
}
interface PackRow {
  id: string;
  version: string;
  title?: Text;
  scopeOrg: string | null;
  roles: string[];
  schedules: string[];
}
interface Change {
  kind: string;
  key: string;
  change: 'added' | 'removed' | 'changed';
  paths?: string[];
}
interface Effects {
  pack: string;
  version: string;
  installedVersion: string | null;
  changes: Change[];
  kept: { kind: string; key: string }[];
  roles: { added: string[]; removed: { key: string; users: number }[] };
  shared: { kind: string; key: string; owner: string }[];
  conflicts: { kind: string; key: string; owner: string }[];
  destructive: FieldError[];
}
interface Bundle {
  manifest: { id: string; version: string };
}

export const KIND_ZH: Record<string, string> = {
  form: '表单',
  process: '流程',
  codelist: '代码表',
  parameter: '参数',
  schedule: '定时任务',
};
const CHANGE_ZH: Record<Change['change'], string> = { added: '新增', removed: '删除', changed: '修改' };

export default function Packs({ onImported }: { onImported: () => void }) {
  const { message } = App.useApp();
  const [packs, setPacks] = useState<PackRow[]>([]);
  const [incoming, setIncoming] = useState<{ bundle: Bundle; effects: Effects }>();
  const file = useRef<HTMLInputElement>(null);
  const load = () => {
    api
      .get<{ items: PackRow[] }>('/api/admin/packs')
      .then((r) => setPacks(r.items))
      .catch(() => setPacks([]));
  };
  useEffect(load, []);
  const fail = (err: unknown, fallback: string) =>
    message.error(err instanceof ApiError ? (err.errors[0]?.message ?? err.title) : fallback);

  const exportPack = async (id: string) => {
    const bundle = await api.get<Bundle>(`/api/admin/packs/${encodeURIComponent(id)}/export`);
    const a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([JSON.stringify(bundle, null, 2)], { type: 'application/json' }));
    a.download = `pack-${bundle.manifest.id}-${bundle.manifest.version}.json`;
    a.click();
  };
  const readPack = async (f: File) => {
    try {
      const bundle = JSON.parse(await f.text()) as Bundle;
      const r = await api.post<{ effects: Effects }>('/api/admin/packs/import', { ...bundle, dryRun: true });
      setIncoming({ bundle, effects: r.effects });
    } catch (err) {
      fail(err, '文件不是导出的政策包（JSON）');
    } finally {
      if (file.current) file.current.value = '';
    }
  };
  const importPack = async (confirm: boolean) => {
    try {
      const r = await api.post<{ published: unknown[] }>('/api/admin/packs/import', {
        ...incoming!.bundle,
        ...(confirm ? { confirm: true } : {}),
      });
      message.success(`已导入：发布 ${r.published.length} 项新版本`);
      setIncoming(undefined);
      load();
      onImported();
    } catch (err) {
      fail(err, '导入失败');
    }
  };
  const e = incoming?.effects;
  const nothing =
    e && !e.changes.length && !e.roles.added.length && !e.roles.removed.length && !e.conflicts.length;
  return (
    <Card
      title="政策包"
      style={{ marginTop: 16 }}
      extra={<Button onClick={() => file.current?.click()}>从文件导入…</Button>}
    >
      <input
        ref={file}
        type="file"
        accept=".json,application/json"
        aria-label="政策包文件"
        style={{ display: 'none' }}
        onChange={(ev) => ev.target.files?.[0] && void readPack(ev.target.files[0])}
      />
      <Table<PackRow>
        size="small"
        rowKey="id"
        pagination={false}
        dataSource={packs}
        columns={[
          { title: '政策包', dataIndex: 'title', render: (t: Text | undefined, r) => t?.zh ?? r.id },
          { title: '版本', dataIndex: 'version', render: (v: string) => <Tag>{v}</Tag> },
          {
            title: '适用范围',
            dataIndex: 'scopeOrg',
            render: (s: string | null) => (s ? <Tag color="blue">{s}</Tag> : '全部地区'),
          },
          {
            title: '操作',
            render: (r: PackRow) => (
              <Button size="small" onClick={() => void exportPack(r.id)}>
                导出
              </Button>
            ),
          },
        ]}
      />
      {incoming && e && (
        <Alert
          style={{ marginTop: 12 }}
          type={e.conflicts.length || e.destructive.length ? 'error' : nothing ? 'success' : 'warning'}
          showIcon
          message={
            nothing
              ? '文件与当前配置一致，无需导入'
              : `导入“${e.pack}” ${e.installedVersion ?? '（新政策包）'} → ${e.version}：运行中的案件仍按原版本办理`
          }
          description={
            <Space direction="vertical" style={{ width: '100%' }}>
              {e.changes.map((d) => (
                <div key={d.kind + d.key}>
                  <Tag>{KIND_ZH[d.kind] ?? d.kind}</Tag>
                  {d.key}：{CHANGE_ZH[d.change]} {d.paths?.slice(0, 5).join(', ')}
                </div>
              ))}
              {e.roles.added.map((k) => (
                <div key={`role+${k}`}>
                  <Tag>角色</Tag>
                  {k}：新增
                </div>
              ))}
              {e.roles.removed.map((r) => (
                <div key={`role-${r.key}`}>
                  <Tag color={r.users ? 'red' : undefined}>角色</Tag>
                  {r.key}：删除{r.users ? `（仍有 ${r.users} 个账号持有）` : ''}
                </div>
              ))}
              {e.kept.length > 0 && (
                <Typography.Text type="secondary">
                  文件中没有、但保留不变：
                  {e.kept.map((k) => `${KIND_ZH[k.kind] ?? k.kind} ${k.key}`).join('、')}
                </Typography.Text>
              )}
              {e.shared.length > 0 && (
                <Typography.Text type="secondary">
                  与其他政策包共用（不改动）：
                  {e.shared.map((k) => `${KIND_ZH[k.kind]} ${k.key}（${k.owner}）`).join('、')}
                </Typography.Text>
              )}
              {e.conflicts.map((c) => (
                <Alert
                  key={c.kind + c.key}
                  type="error"
                  message={`${KIND_ZH[c.kind] ?? c.kind}“${c.key}”属于政策包“${c.owner}”，不能由本包修改`}
                />
              ))}
              <Space wrap>
                {!nothing && !e.conflicts.length && !e.destructive.length && (
                  <Button type="primary" onClick={() => void importPack(false)}>
                    确认导入
                  </Button>
                )}
                {!e.conflicts.length && e.destructive.length > 0 && (
                  <Button danger type="primary" onClick={() => void importPack(true)}>
                    确认删除以上内容并导入
                  </Button>
                )}
                <Button onClick={() => setIncoming(undefined)}>取消</Button>
              </Space>
            </Space>
          }
        />
      )}
    </Card>
  );
}
