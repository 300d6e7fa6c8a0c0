/**
 * 模板与覆盖 provincial packs stored as overlays on the national template: each overlay's operations
 * against the template (对比), and its re-application on a newer template version — what applies cleanly,
 * the conflicts by path with a choice per conflict (保留本省 / 采用模板); applying is refused (and
 * disabled here) while a conflict is unresolved.
 */
import { useEffect, useState } from 'react';
import { App, Button, Card, Grid, Input, Radio, Select, Space, Table, Tag, Typography } from 'antd';
import { api } from '../api';
import { RefusalAlert, useRefusal } from './RefusalAlert';

interface OverlayRow {
  pack: string;
  title: { zh: string } | null;
  version: string | null;
  base: { pack: string; version: string };
  keySuffix: string;
  ops: number;
  otherVersions: string[];
}
interface DiffEntry {
  op: string;
  path: string;
  change: 'added' | 'removed' | 'changed';
  template: unknown;
  overlay: unknown;
}
interface Conflict {
  path: string;
  op: string;
  base: { before: unknown; after: unknown };
  overlay: unknown;
  reason: string;
}
interface Preview {
  base: { pack: string; from: string; to: string };
  applies: { op: string; path: string }[];
  conflicts: Conflict[];
}
const CHANGE = { added: ['新增', 'green'], removed: ['删除', 'red'], changed: ['修改', 'blue'] } as const;
const show = (v: unknown) => (v === null || v === undefined ? '—' : JSON.stringify(v));

export default function Overlays() {
  const { message } = App.useApp();
  // a phone gets the rows stacked (no sideways scrolling to find the template's value)
  const narrow = !Grid.useBreakpoint().md;
  const [rows, setRows] = useState<OverlayRow[]>([]);
  const [diff, setDiff] = useState<{ pack: string; entries: DiffEntry[] }>();
  const [target, setTarget] = useState<{ pack: string; version?: string }>();
  const [preview, setPreview] = useState<Preview>();
  const [choice, setChoice] = useState<Record<string, 'overlay' | 'template'>>({});
  const [packVersion, setPackVersion] = useState('');
  const { refusal, fail, clear: clearRefusal } = useRefusal();
  const load = () => {
    api.get<{ items: OverlayRow[] }>('/api/admin/overlays').then((r) => setRows(r.items));
  };
  useEffect(load, []);
  const openDiff = async (pack: string) => {
    setDiff(await api.get(`/api/admin/packs/${encodeURIComponent(pack)}/overlay/diff`));
  };
  const runPreview = async (pack: string, version: string) => {
    clearRefusal();
    setChoice({});
    setTarget({ pack, version });
    try {
      setPreview(
        await api.post<Preview>(`/api/admin/packs/${encodeURIComponent(pack)}/overlay/reapply`, { version }),
      );
    } catch (err) {
      fail(err);
    }
  };
  const apply = async () => {
    if (!target?.version) return;
    clearRefusal();
    try {
      await api.post(`/api/admin/packs/${encodeURIComponent(target.pack)}/overlay/reapply`, {
        version: target.version,
        packVersion,
        dryRun: false,
        resolutions: choice,
      });
      message.success(`已按模板 ${target.version} 版重新应用：${target.pack}`);
      setPreview(undefined);
      setTarget(undefined);
      load();
    } catch (err) {
      fail(err);
    }
  };
  const unresolved = preview?.conflicts.filter((c) => !choice[c.path]).length ?? 0;
  return (
    <Card title="模板与覆盖">
      <RefusalAlert refusal={refusal} onClose={clearRefusal} />
      <Table<OverlayRow>
        size="small"
        rowKey="pack"
        pagination={false}
        dataSource={rows}
        columns={[
          {
            title: '政策包',
            render: (r: OverlayRow) => (
              <>
                {r.title?.zh ?? r.pack}（{r.pack}）
                {narrow && (
                  <div style={{ color: '#555', fontSize: 12 }}>
                    <Tag>{r.version}</Tag>模板 {`${r.base.pack} ${r.base.version}`}，覆盖 {r.ops} 项
                  </div>
                )}
              </>
            ),
          },
          ...(narrow
            ? []
            : [
                { title: '版本', dataIndex: 'version', render: (v: string) => <Tag>{v}</Tag> },
                { title: '模板', render: (r: OverlayRow) => `${r.base.pack} ${r.base.version}` },
                { title: '覆盖操作', dataIndex: 'ops' },
              ]),
          {
            title: '操作',
            render: (r: OverlayRow) => (
              <Space wrap>
                <Button size="small" onClick={() => void openDiff(r.pack)}>
                  对比模板
                </Button>
                {r.otherVersions.length > 0 && (
                  <Select
                    size="small"
                    aria-label={`重新应用 ${r.pack}`}
                    placeholder="应用到模板版本…"
                    style={{ width: 170 }}
                    value={target?.pack === r.pack ? target.version : undefined}
                    options={r.otherVersions.map((v) => ({ value: v, label: `模板 ${v}` }))}
                    onChange={(v) => void runPreview(r.pack, v)}
                  />
                )}
              </Space>
            ),
          },
        ]}
      />
      {diff && (
        <Card
          size="small"
          style={{ marginTop: 16 }}
          title={`${diff.pack} 相对模板的改动`}
          extra={
            <Button size="small" onClick={() => setDiff(undefined)}>
              关闭
            </Button>
          }
        >
          {narrow ? (
            diff.entries.map((e) => (
              <div key={e.path} style={{ marginBottom: 8 }}>
                <Tag color={CHANGE[e.change][1]}>{CHANGE[e.change][0]}</Tag>
                <Typography.Text code style={{ wordBreak: 'break-all' }}>
                  {e.path}
                </Typography.Text>
                <div style={{ color: '#555', fontSize: 12, wordBreak: 'break-all' }}>
                  模板 {show(e.template)} → 本省 {show(e.overlay)}
                </div>
              </div>
            ))
          ) : (
            <Table<DiffEntry>
              size="small"
              rowKey="path"
              pagination={false}
              dataSource={diff.entries}
              scroll={{ x: 640 }}
              columns={[
                {
                  title: '改动',
                  dataIndex: 'change',
                  render: (c: DiffEntry['change']) => <Tag color={CHANGE[c][1]}>{CHANGE[c][0]}</Tag>,
                },
                {
                  title: '路径',
                  dataIndex: 'path',
                  render: (p: string) => <Typography.Text code>{p}</Typography.Text>,
                },
                { title: '模板', dataIndex: 'template', render: show },
                { title: '本省', dataIndex: 'overlay', render: show },
              ]}
            />
          )}
        </Card>
      )}
      {preview && target && (
        <Card
          size="small"
          style={{ marginTop: 16 }}
          title={`重新应用 ${target.pack}：模板 ${preview.base.from} → ${preview.base.to}`}
        >
          <Typography.Paragraph>
            可直接应用 {preview.applies.length} 项，冲突 {preview.conflicts.length} 项
          </Typography.Paragraph>
          {preview.applies.map((a) => (
            <div key={a.path}>
              <Tag color="green">可应用</Tag>
              <Typography.Text code>{a.path}</Typography.Text>
            </div>
          ))}
          {preview.conflicts.map((c) => (
            <div key={c.path} style={{ margin: '8px 0' }}>
              <Tag color="red">冲突</Tag>
              <Typography.Text code>{c.path}</Typography.Text>
              <div style={{ color: '#555', fontSize: 12 }}>
                模板 {show(c.base.before)} → {show(c.base.after)}；本省 {show(c.overlay)}
              </div>
              <Radio.Group
                aria-label={`处理 ${c.path}`}
                value={choice[c.path]}
                onChange={(e) => setChoice({ ...choice, [c.path]: e.target.value })}
                options={[
                  { value: 'overlay', label: '保留本省' },
                  { value: 'template', label: '采用模板' },
                ]}
              />
            </div>
          ))}
          <Space style={{ marginTop: 8 }} wrap>
            <Input
              aria-label="本省政策包新版本"
              placeholder="本省政策包新版本"
              value={packVersion}
              onChange={(e) => setPackVersion(e.target.value)}
              style={{ width: 180 }}
            />
            <Button type="primary" disabled={unresolved > 0 || !packVersion} onClick={() => void apply()}>
              {unresolved > 0 ? `尚有 ${unresolved} 项冲突未处理` : '应用'}
            </Button>
            <Button onClick={() => (setPreview(undefined), setTarget(undefined))}>取消</Button>
          </Space>
        </Card>
      )}
    </Card>
  );
}
