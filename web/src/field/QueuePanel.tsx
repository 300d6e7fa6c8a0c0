/**
 * 待同步 what this phone still has to send, in order, with progress; a retry button; and a conflict shown
 * with both versions side by side and a clear choice — never overwritten silently.
 */
import { Alert, Button, Card, Descriptions, List, Modal, Progress, Space, Tag, Typography } from 'antd';
import { SyncOutlined } from '@ant-design/icons';
import { useField, keepNote } from './context';
import { dropItem, updateItem } from './sync';
import { get, put } from './store';
import type { FieldTask, QueueItem, StoredBundle } from './types';

const KIND: Record<string, string> = {
  reassigned: '任务已改派给他人',
  withdrawn: '任务已被撤回',
  completed: '任务已由他人办结',
  field_changed: '服务器上的附件2已被他人修改',
};

const show = (v: unknown): string =>
  v === undefined || v === null || v === ''
    ? '（空）'
    : typeof v === 'object'
      ? JSON.stringify(v).slice(0, 300)
      : String(v);

/**
 * the same value, the server's shown masked (430422********6371, 139****1111): not a difference the person
 * has to choose about
 */
function sameButMasked(mine: unknown, theirs: unknown): boolean {
  const a = JSON.stringify(mine ?? null);
  const b = JSON.stringify(theirs ?? null);
  if (a === b) return true;
  if (!b.includes('*')) return false;
  const pattern = b.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*+/g, '[^"]+');
  return new RegExp(`^${pattern}$`).test(a);
}

/** the fields where my version and the server's differ: from the server's list, else worked out here */
function differences(item: QueueItem, current?: FieldTask) {
  if (item.conflict?.fields?.length) return item.conflict.fields;
  // the form as the server would open it now, against the one I filled
  const theirs = (current?.initialData ?? {}) as Record<string, unknown>;
  const mine = item.data ?? {};
  return [...new Set([...Object.keys(mine), ...Object.keys(theirs)])]
    .filter((k) => !sameButMasked(mine[k], theirs[k]))
    .map((k) => ({ path: k, yours: mine[k], theirs: theirs[k] }));
}

function titleOf(task: FieldTask | undefined, path: string): string {
  const props = (task?.form?.document?.schema as { properties?: Record<string, { title?: string }> })
    ?.properties;
  const top = path.split('.')[0];
  return props?.[top]?.title ? `${props[top].title}${path === top ? '' : `（${path}）`}` : path;
}

function ConflictView({ seq, item }: { seq: IDBValidKey; item: QueueItem }) {
  const { refresh, sync, bundle } = useField();
  const c = item.conflict!;
  const current = c.current ?? undefined;
  const mineTask = bundle?.tasks.find((t) => t.task.id === item.taskId);
  const rows = differences(item, current);
  const canResend = c.kind === 'field_changed' && Boolean(current?.version);
  const replaceTask = async (next?: FieldTask) => {
    const b = await get<StoredBundle>('kv', 'bundle');
    if (!b) return;
    b.tasks = b.tasks.flatMap((t) => (t.task.id !== item.taskId ? [t] : next ? [next] : []));
    await put('kv', 'bundle', b);
  };
  const resend = async () => {
    // the person acts again: a new action, with its own requestId, on the server's new version
    await updateItem(seq, {
      ...item,
      requestId: crypto.randomUUID(),
      baseVersion: current!.version,
      state: 'pending',
      conflict: undefined,
      lastError: undefined,
    });
    if (current) await replaceTask(current);
    await refresh();
    await sync();
  };
  const takeTheirs = () =>
    Modal.confirm({
      title: '采用服务器的版本？',
      content: '本机这次提交将不再发送（照片和签名一并删除）。如需保留，请选择“保留为本机笔记”。',
      okText: '采用服务器的版本',
      cancelText: '再想想',
      onOk: async () => {
        await dropItem(seq);
        await replaceTask(c.kind === 'field_changed' ? current : undefined);
        await refresh();
      },
    });
  const asNote = async () => {
    await keepNote({
      taskId: item.taskId,
      caseTitle: item.caseTitle,
      keptAt: new Date().toISOString(),
      data: item.data,
      evidence: item.evidence,
      reason: KIND[c.kind] ?? '同步冲突',
    });
    await dropItem(seq);
    if (c.kind !== 'field_changed') await replaceTask(undefined);
    await refresh();
  };
  return (
    <div data-testid="conflict" style={{ width: '100%' }}>
      <Alert
        type="warning"
        showIcon
        message={`同步冲突：${KIND[c.kind] ?? c.kind}`}
        description={
          c.message || '服务器上的任务在您离线期间发生了变化。您的内容仍保存在本机，请选择如何处理。'
        }
        style={{ marginBottom: 8 }}
      />
      {current && c.kind !== 'field_changed' && (
        <Descriptions
          size="small"
          column={1}
          bordered
          style={{ marginBottom: 8 }}
          items={[
            {
              key: 'mine',
              label: '我的版本',
              children: `${mineTask?.task.stepTitle ?? ''}（离线填写于 ${new Date(item.createdAt).toLocaleString('zh-CN', { hour12: false })}）`,
            },
            {
              key: 'theirs',
              label: '服务器版本',
              children: `${current.task?.stepTitle ?? ''} · 状态：${current.task?.status ?? '—'}${current.task?.assigneeUser ? ` · 现办理人：${current.task.assigneeUser}` : ''}`,
            },
          ]}
        />
      )}
      {rows.length === 0 ? (
        <Typography.Paragraph type="secondary">附件2内容相同（仅任务状态不同）</Typography.Paragraph>
      ) : (
        <div role="table" aria-label="两个版本对照" style={{ border: '1px solid #f0f0f0', borderRadius: 6 }}>
          <div
            role="row"
            style={{
              display: 'grid',
              gridTemplateColumns: '1fr 1fr',
              background: '#fafafa',
              fontWeight: 600,
            }}
          >
            <div role="columnheader" style={{ padding: '4px 8px' }}>
              我的版本
            </div>
            <div role="columnheader" style={{ padding: '4px 8px' }}>
              服务器版本
            </div>
          </div>
          {rows.map((r) => (
            <div key={r.path} role="row" style={{ borderTop: '1px solid #f0f0f0' }}>
              <div style={{ padding: '4px 8px 0', fontSize: 12, color: '#666' }}>
                {titleOf(mineTask ?? current, r.path)}
              </div>
              <div style={{ display: 'grid', gridTemplateColumns: '1fr 1fr' }}>
                <div role="cell" style={{ padding: '2px 8px 6px', wordBreak: 'break-all', color: '#a61d24' }}>
                  {show(r.yours)}
                </div>
                <div role="cell" style={{ padding: '2px 8px 6px', wordBreak: 'break-all' }}>
                  {show(r.theirs)}
                </div>
              </div>
            </div>
          ))}
        </div>
      )}
      <Space wrap style={{ marginTop: 8 }}>
        <Button type="primary" disabled={!canResend} onClick={() => void resend()}>
          保留我的，按新版本重新提交
        </Button>
        <Button onClick={takeTheirs}>采用服务器的版本</Button>
        <Button onClick={() => void asNote()}>保留为本机笔记</Button>
      </Space>
      {!canResend && (
        <Typography.Paragraph type="secondary" style={{ marginTop: 4, marginBottom: 0 }}>
          此任务已不由您办理，不能重新提交；可保留为本机笔记，交给现办理人参考。
        </Typography.Paragraph>
      )}
    </div>
  );
}

export default function QueuePanel() {
  const { queue, progress, syncing, sync, online } = useField();
  const pending = queue.filter(([, q]) => q.state === 'pending').length;
  const pct =
    progress && progress.phase === 'upload' && progress.size
      ? Math.round(((progress.sent ?? 0) / progress.size) * 100)
      : undefined;
  return (
    <Card
      size="small"
      title={`待同步（${queue.length}）`}
      data-testid="queue"
      extra={
        <Button
          icon={<SyncOutlined spin={syncing} />}
          disabled={!online || syncing || pending === 0}
          onClick={() => void sync()}
        >
          立即同步
        </Button>
      }
    >
      {syncing && progress && progress.phase !== 'done' && (
        <div style={{ marginBottom: 8 }} data-testid="sync-progress">
          <Typography.Text>
            正在同步第 {progress.index}/{progress.total} 项：{progress.caseTitle}
            {progress.phase === 'upload' ? '（上传照片和签名）' : '（提交）'}
          </Typography.Text>
          <Progress percent={pct ?? Math.round(((progress.index - 1) / progress.total) * 100)} size="small" />
        </div>
      )}
      {queue.length === 0 ? (
        <Typography.Text type="secondary">没有待同步的内容，本机的提交都已被服务器确认。</Typography.Text>
      ) : (
        <List
          dataSource={queue}
          renderItem={([seq, item], i) => (
            <List.Item key={String(seq)} data-testid="queue-item">
              <Space direction="vertical" style={{ width: '100%' }}>
                <Space wrap>
                  <Typography.Text strong>
                    {i + 1}. {item.caseTitle}
                  </Typography.Text>
                  <Tag>{item.actionLabel}</Tag>
                  {item.state === 'pending' && <Tag color="orange">等待同步</Tag>}
                  {item.state === 'conflict' && <Tag color="red">冲突</Tag>}
                  {item.state === 'refused' && <Tag color="red">被退回</Tag>}
                </Space>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {new Date(item.createdAt).toLocaleString('zh-CN', { hour12: false })} 办理
                  {item.evidence ? `，照片 ${item.evidence.photos.length} 张` : ''}
                </Typography.Text>
                {item.lastError && item.state === 'pending' && (
                  <Typography.Text type="warning">{item.lastError}</Typography.Text>
                )}
                {item.state === 'refused' && (
                  <Alert
                    type="error"
                    showIcon
                    message={item.lastError}
                    description={
                      <>
                        {item.errors?.map((e) => (
                          <div key={e.path + e.message}>{e.message}</div>
                        ))}
                        <RefusedActions seq={seq} item={item} />
                      </>
                    }
                  />
                )}
                {item.state === 'conflict' && <ConflictView seq={seq} item={item} />}
              </Space>
            </List.Item>
          )}
        />
      )}
    </Card>
  );
}

/** a refused submission goes back into the task screen to be corrected (nothing is lost) */
function RefusedActions({ seq, item }: { seq: IDBValidKey; item: QueueItem }) {
  const { refresh } = useField();
  const reopen = async () => {
    await put('kv', `draft:${item.taskId}`, { data: item.data, evidence: item.evidence });
    await dropItem(seq, { keepBlobs: true });
    await refresh();
    location.assign(`/field/tasks/${item.taskId}`);
  };
  return (
    <Button size="small" style={{ marginTop: 6 }} onClick={() => void reopen()}>
      回到表单修改
    </Button>
  );
}
