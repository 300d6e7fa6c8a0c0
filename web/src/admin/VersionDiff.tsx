/** 版本对比 which parts of a process or a form changed between two published versions. */
import { useEffect, useState } from 'react';
import { Alert, Button, List, Modal, Select, Space, Typography } from 'antd';
import { api, ApiError } from '../api';

/** "/steps/township_review/actions/approve/next" → 步骤 township_review › 操作 approve › next */
const WORDS: Record<string, string> = {
  steps: '步骤',
  actions: '操作',
  properties: '字段',
  schema: '表单结构',
  uiSchema: '显示设置',
  required: '必填项',
  title: '名称',
  assignee: '办理人',
  form: '表单',
  days: '天数',
};
const readable = (path: string) =>
  path
    .split('/')
    .filter(Boolean)
    .map((p) => WORDS[p] ?? p)
    .join(' › ') || '（整体）';

export function VersionDiff({
  kind,
  docKey,
  versions,
}: {
  kind: 'processes' | 'forms';
  docKey: string;
  versions: number[];
}) {
  const sorted = [...versions].sort((a, b) => a - b);
  const [open, setOpen] = useState(false);
  const [from, setFrom] = useState(sorted.at(-2));
  const [to, setTo] = useState(sorted.at(-1));
  const [paths, setPaths] = useState<string[]>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    setFrom(sorted.at(-2));
    setTo(sorted.at(-1));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [versions.length]);
  useEffect(() => {
    if (!open || !from || !to) return;
    setError(undefined);
    api
      .get<{ paths: string[] }>(`/api/admin/${kind}/${docKey}/diff?from=${from}&to=${to}`)
      .then((r) => setPaths(r.paths))
      .catch((e) => setError(e instanceof ApiError ? e.title : '对比失败'));
  }, [open, from, to, kind, docKey]);
  if (sorted.length < 2) return null;
  const options = sorted.map((v) => ({ value: v, label: `第 ${v} 版` }));
  return (
    <>
      <Button onClick={() => setOpen(true)}>版本对比</Button>
      <Modal open={open} onCancel={() => setOpen(false)} footer={null} title="版本对比" width={640}>
        <Space style={{ marginBottom: 12 }}>
          <Select
            aria-label="对比起始版本"
            value={from}
            onChange={setFrom}
            options={options}
            style={{ width: 110 }}
          />
          →
          <Select
            aria-label="对比目标版本"
            value={to}
            onChange={setTo}
            options={options}
            style={{ width: 110 }}
          />
        </Space>
        {error && <Alert type="error" showIcon message={error} />}
        {paths &&
          !error &&
          (paths.length ? (
            <List
              size="small"
              bordered
              header={<Typography.Text>共 {paths.length} 处改动</Typography.Text>}
              dataSource={paths}
              renderItem={(p) => (
                <List.Item>
                  <Space direction="vertical" size={0}>
                    <span>{readable(p)}</span>
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {p}
                    </Typography.Text>
                  </Space>
                </List.Item>
              )}
            />
          ) : (
            <Alert type="success" showIcon message="两个版本内容相同" />
          ))}
      </Modal>
    </>
  );
}
