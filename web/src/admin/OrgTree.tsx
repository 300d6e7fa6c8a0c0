/**
 * 组织机构 the administrative divisions: the tree with codes and levels, an import of a division list
 * (CSV: 区划代码, 名称, 上级代码, 层级) shown as a preview before it is applied, 新增下级 / 更名 /
 * 移动 of one node (a move takes its subtree, cases and households with it), and 撤销 of a node,
 * refused with the list of open cases and accounts while any remain.
 */
import { useEffect, useRef, useState } from 'react';
import { Alert, App, Button, Card, Input, Modal, Select, Space, Table, Tag } from 'antd';
import { api } from '../api';
import { RefusalAlert, useRefusal } from './RefusalAlert';

interface OrgNode {
  id: string;
  code: string | null;
  parent_id: string | null;
  level: string;
  name: string;
  closed_at: string | null;
}
interface Preview {
  added: { code: string; name: string; level: string; parentCode: string | null }[];
  renamed: { code: string; from: string; to: string }[];
  unchanged: number;
}
const LEVEL_ZH: Record<string, string> = {
  province: '省',
  city: '市',
  county: '县',
  township: '乡镇',
  village: '村（社区）',
  group: '组',
  department: '部门',
};

const CHILD_LEVEL: Record<string, string> = {
  province: '市',
  city: '县',
  county: '乡镇',
  township: '村',
  village: '组',
};
type Edit =
  | { mode: 'add'; node: OrgNode; code: string; name: string }
  | { mode: 'rename'; node: OrgNode; name: string }
  | { mode: 'move'; node: OrgNode; parentCode?: string };
const EDIT_TITLE = { add: '新增下级', rename: '更名', move: '移动到…' };

export default function OrgTree() {
  const { message } = App.useApp();
  const [nodes, setNodes] = useState<OrgNode[]>([]);
  const [csv, setCsv] = useState<string>();
  const [preview, setPreview] = useState<Preview>();
  const { refusal, fail, clear: clearRefusal } = useRefusal();
  const [edit, setEdit] = useState<Edit>();
  const file = useRef<HTMLInputElement>(null);
  const load = () => {
    api.get<{ items: OrgNode[] }>('/api/admin/org-tree').then((r) => setNodes(r.items));
  };
  useEffect(load, []);
  const read = async (f: File) => {
    try {
      const text = await f.text();
      clearRefusal();
      setPreview(await api.post<Preview>('/api/admin/org-tree/import', { csv: text, dryRun: true }));
      setCsv(text);
    } catch (err) {
      fail(err);
    } finally {
      if (file.current) file.current.value = '';
    }
  };
  const apply = async () => {
    try {
      const r = await api.post<Preview>('/api/admin/org-tree/import', { csv });
      message.success(`已导入：新增 ${r.added.length} 个，更名 ${r.renamed.length} 个`);
      setPreview(undefined);
      load();
    } catch (err) {
      fail(err);
    }
  };
  const close = async (n: OrgNode) => {
    try {
      clearRefusal();
      await api.post(`/api/admin/org-nodes/${encodeURIComponent(n.id)}/close`, {});
      message.success(`已撤销：${n.name}`);
      load();
    } catch (err) {
      fail(err);
    }
  };
  const save = async () => {
    if (!edit) return;
    try {
      clearRefusal();
      if (edit.mode === 'add')
        await api.post('/api/admin/org-nodes', {
          code: edit.code.trim(),
          name: edit.name.trim(),
          parentCode: edit.node.id,
          level: CHILD_LEVEL[edit.node.level] ?? '',
        });
      else if (edit.mode === 'rename')
        await api.post('/api/admin/org-nodes', { code: edit.node.id, name: edit.name.trim() });
      else {
        const r = await api.post<{ runningCases: number; told: number }>(
          `/api/admin/org-nodes/${encodeURIComponent(edit.node.id)}/move`,
          { parentCode: edit.parentCode ?? '' },
        );
        // 在办案件: running cases open their next steps under the new tree; those Temporal could not take now
        // are told by the server's hourly round
        if (r.runningCases)
          message.info(
            `在办案件 ${r.runningCases} 件，后续环节按新区划办理` +
              (r.told < r.runningCases ? `（其中 ${r.runningCases - r.told} 件稍后生效）` : '') +
              '；已开启的待办不变',
          );
      }
      message.success(`已${EDIT_TITLE[edit.mode].replace('…', '')}：${edit.node.name}`);
      setEdit(undefined);
      load();
    } catch (err) {
      setEdit(undefined);
      fail(err);
    }
  };
  const depth = (n: OrgNode) => {
    let d = 0;
    for (let p = n.parent_id; p; p = nodes.find((x) => x.id === p)?.parent_id ?? null) d++;
    return d;
  };
  return (
    <Card
      title="组织机构（行政区划）"
      extra={<Button onClick={() => file.current?.click()}>导入区划清单…</Button>}
    >
      <input
        ref={file}
        type="file"
        accept=".csv,text/csv"
        aria-label="区划清单文件"
        style={{ display: 'none' }}
        onChange={(e) => e.target.files?.[0] && void read(e.target.files[0])}
      />
      <RefusalAlert refusal={refusal} onClose={clearRefusal} />
      {preview && (
        <Alert
          style={{ marginBottom: 12 }}
          type="info"
          showIcon
          message={`新增 ${preview.added.length} 个，更名 ${preview.renamed.length} 个，不变 ${preview.unchanged} 个`}
          description={
            <Space direction="vertical">
              {preview.added.slice(0, 50).map((a) => (
                <div key={a.code}>
                  <Tag>{LEVEL_ZH[a.level] ?? a.level}</Tag>
                  {a.code} {a.name}
                </div>
              ))}
              {preview.renamed.map((r) => (
                <div key={r.code}>
                  {r.code}：{r.from} → {r.to}
                </div>
              ))}
              <Space>
                <Button
                  type="primary"
                  disabled={!preview.added.length && !preview.renamed.length}
                  onClick={() => void apply()}
                >
                  确认导入
                </Button>
                <Button onClick={() => setPreview(undefined)}>取消</Button>
              </Space>
            </Space>
          }
        />
      )}
      <Modal
        open={!!edit}
        title={edit && `${EDIT_TITLE[edit.mode]}：${edit.node.name}`}
        okText="确定"
        cancelText="取消"
        onOk={() => void save()}
        onCancel={() => setEdit(undefined)}
        destroyOnClose
      >
        {edit?.mode === 'add' && (
          <Space direction="vertical" style={{ width: '100%' }}>
            <Input
              aria-label="区划代码"
              placeholder="区划代码（数字）"
              value={edit.code}
              onChange={(e) => setEdit({ ...edit, code: e.target.value })}
            />
            <Input
              aria-label="名称"
              placeholder={`名称（${CHILD_LEVEL[edit.node.level] ?? ''}）`}
              value={edit.name}
              onChange={(e) => setEdit({ ...edit, name: e.target.value })}
            />
          </Space>
        )}
        {edit?.mode === 'rename' && (
          <Input
            aria-label="新名称"
            value={edit.name}
            onChange={(e) => setEdit({ ...edit, name: e.target.value })}
          />
        )}
        {edit?.mode === 'move' && (
          <Select
            aria-label="新的上级"
            showSearch
            optionFilterProp="label"
            style={{ width: '100%' }}
            placeholder="选择新的上级"
            value={edit.parentCode}
            onChange={(v) => setEdit({ ...edit, parentCode: v })}
            options={nodes
              .filter((n) => !n.closed_at && n.id !== edit.node.id && n.id !== edit.node.parent_id)
              .map((n) => ({
                value: n.id,
                label: `${n.name}（${LEVEL_ZH[n.level] ?? n.level} ${n.code ?? n.id}）`,
              }))}
          />
        )}
      </Modal>
      <Table<OrgNode>
        size="small"
        rowKey="id"
        dataSource={nodes}
        pagination={{ pageSize: 50 }}
        scroll={{ x: 600 }}
        columns={[
          {
            title: '名称',
            dataIndex: 'name',
            render: (name: string, n) => <span style={{ paddingLeft: depth(n) * 16 }}>{name}</span>,
          },
          { title: '代码', render: (n: OrgNode) => n.code ?? n.id },
          { title: '层级', dataIndex: 'level', render: (l: string) => LEVEL_ZH[l] ?? l },
          {
            title: '操作',
            render: (n: OrgNode) =>
              n.closed_at ? (
                <Tag>已撤销</Tag>
              ) : (
                <Space size={4}>
                  {CHILD_LEVEL[n.level] && (
                    <Button
                      size="small"
                      onClick={() => setEdit({ mode: 'add', node: n, code: '', name: '' })}
                    >
                      新增下级
                    </Button>
                  )}
                  <Button size="small" onClick={() => setEdit({ mode: 'rename', node: n, name: n.name })}>
                    更名
                  </Button>
                  {n.parent_id && (
                    <Button size="small" onClick={() => setEdit({ mode: 'move', node: n })}>
                      移动
                    </Button>
                  )}
                  <Button size="small" danger onClick={() => void close(n)}>
                    撤销
                  </Button>
                </Space>
              ),
          },
        ]}
      />
    </Card>
  );
}
