/** 今日任务 download my tasks for today, see what is kept offline and since when, and the 待同步 queue. */
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { Alert, Button, Card, Empty, List, Progress, Space, Tag, Typography } from 'antd';
import { CloudDownloadOutlined } from '@ant-design/icons';
import { useField, dropNote } from './context';
import QueuePanel from './QueuePanel';

const time = (iso: string) => new Date(iso).toLocaleString('zh-CN', { hour12: false });

export default function Today() {
  const { online, bundle, queue, notes, sent, download, storeError, refresh } = useField();
  const [loading, setLoading] = useState<{ done: number; total: number }>();
  const [error, setError] = useState<string>();
  const fetchToday = async () => {
    setError(undefined);
    setLoading({ done: 0, total: 0 });
    try {
      await download((done, total) => setLoading({ done, total }));
    } catch (e) {
      setError(e instanceof Error ? e.message : '下载失败，请检查网络');
    } finally {
      setLoading(undefined);
    }
  };
  const stateOf = (taskId: string) => {
    const q = queue.find(([, it]) => it.taskId === taskId)?.[1];
    if (!q) return sent[taskId] ? <Tag color="green">已同步 {time(sent[taskId])}</Tag> : undefined;
    return q.state === 'conflict' ? (
      <Tag color="red">有冲突</Tag>
    ) : q.state === 'refused' ? (
      <Tag color="red">被退回，需修改</Tag>
    ) : (
      <Tag color="orange">待同步</Tag>
    );
  };
  return (
    <div style={{ padding: 12, maxWidth: 880, width: '100%', margin: '0 auto' }}>
      <Space direction="vertical" size={12} style={{ width: '100%' }}>
        {storeError && <Alert type="error" showIcon message={storeError} />}
        <Card
          size="small"
          title="今日任务"
          extra={
            <Button
              type="primary"
              icon={<CloudDownloadOutlined />}
              disabled={!online || !!loading}
              loading={!!loading}
              onClick={() => void fetchToday()}
            >
              {bundle ? '重新下载' : '下载今日任务'}
            </Button>
          }
        >
          {loading && (
            <Progress
              percent={loading.total ? Math.round((loading.done / loading.total) * 100) : 50}
              status="active"
              format={() => `${Math.round(loading.done / 1024)} KB`}
            />
          )}
          {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 8 }} />}
          {bundle ? (
            <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }} data-testid="offline-summary">
              本机已离线保存 {bundle.tasks.length} 项任务（加密存储），下载于 {time(bundle.downloadedAt)}
              {!online && '；当前离线，可继续填写，联网后自动同步'}
            </Typography.Paragraph>
          ) : (
            <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
              出发前在有网络的地方下载今日任务：表单、农户信息和已有材料会加密保存在本机，离线也能填写。
            </Typography.Paragraph>
          )}
          {bundle && bundle.tasks.length === 0 && <Empty description="今天没有需要入户核实的任务" />}
          {bundle && bundle.tasks.length > 0 && (
            <List
              dataSource={bundle.tasks}
              renderItem={(t) => (
                <List.Item
                  key={t.task.id}
                  actions={[
                    <Link key="go" to={`/field/tasks/${t.task.id}`}>
                      {sent[t.task.id] ? '查看' : '填写'}
                    </Link>,
                  ]}
                >
                  <List.Item.Meta
                    title={<Link to={`/field/tasks/${t.task.id}`}>{t.case.subjectName ?? t.case.title}</Link>}
                    description={
                      <Space size={4} wrap>
                        <span>{t.task.stepTitle}</span>
                        {(t.others?.length ?? 0) > 0 && <Tag color="blue">另一核实员已提交</Tag>}
                        {stateOf(t.task.id)}
                      </Space>
                    }
                  />
                </List.Item>
              )}
            />
          )}
        </Card>
        <QueuePanel />
        {notes.length > 0 && (
          <Card size="small" title={`本机笔记（${notes.length}）`}>
            <List
              dataSource={notes}
              renderItem={([key, n]) => (
                <List.Item
                  key={String(key)}
                  actions={[
                    <Button key="del" size="small" danger onClick={() => void dropNote(key).then(refresh)}>
                      删除
                    </Button>,
                  ]}
                >
                  <List.Item.Meta title={n.caseTitle} description={`${n.reason}，保存于 ${time(n.keptAt)}`} />
                  <details>
                    <summary>查看内容</summary>
                    <pre style={{ whiteSpace: 'pre-wrap', fontSize: 12 }}>
                      {JSON.stringify({ 附件2: n.data, 入户核实记录: n.evidence }, null, 1)}
                    </pre>
                  </details>
                </List.Item>
              )}
            />
          </Card>
        )}
      </Space>
    </div>
  );
}
