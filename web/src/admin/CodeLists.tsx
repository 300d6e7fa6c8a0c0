/** 代码表 edit a code list (risk codes, relations, measures, …) and publish it as a new version. */
import { useEffect, useState } from 'react';
import { Alert, App, Button, Card, Input, Modal, Space, Table, Tag } from 'antd';
import type { Items, Published } from '../../../shared/api-types';
import { api, ApiError } from '../api';

interface Item {
  code: string;
  label: { zh: string; en?: string };
}
interface List {
  key: string;
  version: number;
  document: { key: string; title?: { zh: string }; items: Item[] };
}

export default function CodeLists() {
  const { message } = App.useApp();
  const [lists, setLists] = useState<List[]>([]);
  const [editing, setEditing] = useState<List>();
  const [items, setItems] = useState<Item[]>([]);
  const [errors, setErrors] = useState<string[]>([]);
  const load = () => api.get<Items<List>>('/api/admin/codelists').then((r) => setLists(r.items));
  useEffect(() => void load(), []);
  const open = (l: List) => {
    setErrors([]);
    setItems(l.document.items.map((i) => ({ ...i, label: { ...i.label } })));
    setEditing(l);
  };
  const publish = async () => {
    try {
      const r = await api.post<Published>(`/api/admin/codelists/${editing!.key}/versions`, {
        document: { ...editing!.document, items },
      });
      message.success(`已发布第 ${r.version} 版`);
      setEditing(undefined);
      void load();
    } catch (e) {
      setErrors(
        e instanceof ApiError
          ? e.errors.length
            ? e.errors.map((x) => `${x.path}：${x.message}`)
            : [e.title]
          : ['发布失败'],
      );
    }
  };
  return (
    <Card title="代码表">
      <Table
        size="small"
        rowKey="key"
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        scroll={{ y: 360 }}
        dataSource={lists}
        columns={[
          { title: '代码表', render: (l: List) => l.document.title?.zh ?? l.key },
          { title: '项数', render: (l: List) => l.document.items.length },
          { title: '版本', dataIndex: 'version', render: (v: number) => <Tag>v{v}</Tag> },
          {
            title: '操作',
            render: (l: List) => (
              <Button size="small" onClick={() => open(l)}>
                编辑
              </Button>
            ),
          },
        ]}
      />
      <Modal
        open={!!editing}
        width={640}
        title={`编辑代码表：${editing?.document.title?.zh ?? editing?.key ?? ''}`}
        okText="发布新版本"
        onOk={() => void publish()}
        onCancel={() => setEditing(undefined)}
      >
        {errors.length > 0 && (
          <Alert type="error" showIcon style={{ marginBottom: 12 }} message={errors.join('；')} />
        )}
        <Space direction="vertical" style={{ width: '100%', maxHeight: 420, overflow: 'auto' }}>
          {items.map((it, i) => (
            <Space key={i}>
              <Input
                aria-label={`代码${i + 1}`}
                style={{ width: 90 }}
                value={it.code}
                onChange={(e) =>
                  setItems(items.map((x, j) => (j === i ? { ...x, code: e.target.value } : x)))
                }
              />
              <Input
                aria-label={`名称${i + 1}`}
                style={{ width: 320 }}
                value={it.label.zh}
                onChange={(e) =>
                  setItems(
                    items.map((x, j) => (j === i ? { ...x, label: { ...x.label, zh: e.target.value } } : x)),
                  )
                }
              />
              <Button danger type="text" onClick={() => setItems(items.filter((_, j) => j !== i))}>
                删除
              </Button>
            </Space>
          ))}
          <Button onClick={() => setItems([...items, { code: '', label: { zh: '' } }])}>+ 添加一项</Button>
        </Space>
      </Modal>
    </Card>
  );
}
