/**
 * 复制为… a form or a process under a new key. A process copy may replace its forms by copies made
 * before; the server rewrites every reference and the rewrites are shown.
 */
import { useState } from 'react';
import { Alert, App, Button, Form, Input, Modal, Select, Space, Typography } from 'antd';
import { api, ApiError } from '../api';

interface Rewrite {
  stepId: string;
  path: string;
  from: string;
  to: string;
}
interface Copied {
  key: string;
  version: number;
  rewrites?: Rewrite[];
}

export default function CopyAs({
  kind,
  source,
  title,
  forms,
  onCopied,
}: {
  kind: 'form' | 'process';
  source: string;
  title: string;
  /** form keys offered as replacements (a process copy) */
  forms?: string[];
  onCopied: () => void;
}) {
  const { message } = App.useApp();
  const [open, setOpen] = useState(false);
  const [key, setKey] = useState('');
  const [name, setName] = useState(`${title}（副本）`);
  const [replace, setReplace] = useState<{ from?: string; to?: string }>({});
  const [done, setDone] = useState<Copied>();
  const submit = async () => {
    try {
      const body =
        kind === 'form'
          ? { key, title: { zh: name } }
          : {
              key,
              title: { zh: name },
              ...(replace.from && replace.to ? { forms: { [replace.from]: replace.to } } : {}),
            };
      const r = await api.post<Copied>(
        `/api/admin/${kind === 'form' ? 'forms' : 'processes'}/${encodeURIComponent(source)}/copy`,
        body,
      );
      setDone(r);
      onCopied();
    } catch (err) {
      message.error(err instanceof ApiError ? (err.errors[0]?.message ?? err.title) : '复制失败');
    }
  };
  const close = () => {
    setOpen(false);
    setDone(undefined);
  };
  return (
    <>
      <Button size="small" onClick={() => setOpen(true)}>
        复制为…
      </Button>
      <Modal
        open={open}
        title={`复制“${title}”`}
        onCancel={close}
        footer={
          done ? (
            <Button onClick={close}>关闭</Button>
          ) : (
            <Button type="primary" disabled={!key} onClick={() => void submit()}>
              复制
            </Button>
          )
        }
      >
        {done ? (
          <Space direction="vertical" style={{ width: '100%' }}>
            <Alert type="success" showIcon message={`已创建 ${done.key}（第 ${done.version} 版）`} />
            {done.rewrites && (
              <>
                <Typography.Text strong>改写的引用（{done.rewrites.length} 处）</Typography.Text>
                <div style={{ maxHeight: 240, overflow: 'auto' }}>
                  {done.rewrites.map((r) => (
                    <div key={r.path} style={{ fontSize: 12 }}>
                      步骤 {r.stepId}：{r.from} → {r.to}
                    </div>
                  ))}
                </div>
              </>
            )}
          </Space>
        ) : (
          <Form layout="vertical">
            <Form.Item label="新编码（小写英文、数字、连字符）" required>
              <Input aria-label="新编码" value={key} onChange={(e) => setKey(e.target.value.trim())} />
            </Form.Item>
            <Form.Item label="名称" required>
              <Input aria-label="名称" value={name} onChange={(e) => setName(e.target.value)} />
            </Form.Item>
            {kind === 'process' && forms && (
              <Form.Item label="替换表单（可选：先复制表单，再在此选择）">
                <Space wrap>
                  <Select
                    aria-label="原表单"
                    style={{ width: 160 }}
                    placeholder="原表单"
                    allowClear
                    showSearch
                    options={forms.map((f) => ({ value: f, label: f }))}
                    onChange={(v?: string) => setReplace((r) => ({ ...r, from: v }))}
                  />
                  →
                  <Select
                    aria-label="新表单"
                    style={{ width: 160 }}
                    placeholder="新表单"
                    allowClear
                    showSearch
                    options={forms.map((f) => ({ value: f, label: f }))}
                    onChange={(v?: string) => setReplace((r) => ({ ...r, to: v }))}
                  />
                </Space>
              </Form.Item>
            )}
          </Form>
        )}
      </Modal>
    </>
  );
}
