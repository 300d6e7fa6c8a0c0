/**
 * 用户与角色 the security administrator's page: users with their roles at their
 * organisation nodes, create a user, change roles, disable or enable. (The
 * administrator and the auditor cannot do this: separation of powers.)
 */
import { useEffect, useMemo, useState } from 'react';
import { Alert, App, Button, Card, Form, Input, Modal, Select, Space, Switch, Table, Tag } from 'antd';
import { api, ApiError } from '../api';
import { ROLE_NAMES } from '../session';

interface RoleAt {
  role: string;
  org: string;
  department?: string;
}
interface User {
  id: string;
  username: string;
  name: string;
  disabled: boolean;
  roles: RoleAt[];
}
interface Org {
  id: string;
  parent_id: string | null;
  level: string;
  name: string;
}

const LEVEL_ZH: Record<string, string> = {
  province: '省',
  city: '市',
  county: '县',
  township: '乡镇',
  village: '村',
  group: '组',
};

function RolesEditor({
  value,
  onChange,
  roles,
  orgs,
}: {
  value: RoleAt[];
  onChange: (v: RoleAt[]) => void;
  roles: { key: string; title: { zh: string }; levels?: string[] }[];
  orgs: Org[];
}) {
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      {value.map((r, i) => {
        const levels = roles.find((x) => x.key === r.role)?.levels;
        const nodes = orgs.filter((o) => !levels || levels.includes(o.level));
        return (
          <Space key={i} wrap>
            <Select
              aria-label={`角色${i + 1}`}
              style={{ width: 220 }}
              value={r.role || undefined}
              placeholder="角色"
              showSearch
              optionFilterProp="label"
              options={roles.map((x) => ({ value: x.key, label: x.title.zh }))}
              onChange={(role) => onChange(value.map((v, j) => (j === i ? { ...v, role } : v)))}
            />
            <Select
              aria-label={`组织机构${i + 1}`}
              style={{ width: 240 }}
              value={r.org || undefined}
              placeholder="组织机构"
              showSearch
              optionFilterProp="label"
              options={nodes.map((o) => ({
                value: o.id,
                label: `${o.name}（${LEVEL_ZH[o.level] ?? o.level}）`,
              }))}
              onChange={(org) => onChange(value.map((v, j) => (j === i ? { ...v, org } : v)))}
            />
            <Button danger type="text" onClick={() => onChange(value.filter((_, j) => j !== i))}>
              移除
            </Button>
          </Space>
        );
      })}
      <Button onClick={() => onChange([...value, { role: '', org: '' }])}>+ 添加角色</Button>
    </Space>
  );
}

export default function Users() {
  const { message } = App.useApp();
  const [users, setUsers] = useState<User[]>([]);
  const [orgs, setOrgs] = useState<Org[]>([]);
  const [roles, setRoles] = useState<{ key: string; title: { zh: string }; levels?: string[] }[]>([]);
  const [filter, setFilter] = useState('');
  const [editing, setEditing] = useState<User>();
  const [editRoles, setEditRoles] = useState<RoleAt[]>([]);
  const [creating, setCreating] = useState(false);
  const [newRoles, setNewRoles] = useState<RoleAt[]>([{ role: '', org: '' }]);
  const [errors, setErrors] = useState<string[]>([]);
  const [form] = Form.useForm();
  const load = () => api.get<{ items: User[] }>('/api/admin/users').then((r) => setUsers(r.items));
  useEffect(() => {
    void load();
    api.get<{ items: Org[] }>('/api/orgs').then((r) => setOrgs(r.items));
    // 安全管理员 and 审计员 are granted only by the installation command (npm run users), never here
    api
      .get<{ items: { key: string; title: { zh: string }; levels?: string[] }[] }>('/api/admin/roles')
      .then((r) => setRoles([...r.items, { key: 'admin', title: { zh: '系统管理员' } }]));
  }, []);
  const orgName = useMemo(() => new Map(orgs.map((o) => [o.id, o.name])), [orgs]);
  const roleName = (k: string) => roles.find((r) => r.key === k)?.title.zh ?? ROLE_NAMES[k] ?? k;
  const shown = users.filter((u) => !filter || u.username.includes(filter) || u.name.includes(filter));
  const fail = (e: unknown) => {
    if (e instanceof ApiError) setErrors(e.errors.length ? e.errors.map((x) => x.message) : [e.title]);
    else setErrors(['保存失败']);
  };
  const saveRoles = async () => {
    try {
      await api.post(`/api/admin/users/${editing!.id}/roles`, {
        roles: editRoles.filter((r) => r.role || r.org),
      });
      message.success('已保存；该用户需重新登录');
      setEditing(undefined);
      void load();
    } catch (e) {
      fail(e);
    }
  };
  const create = async () => {
    const v = await form.validateFields();
    try {
      await api.post('/api/admin/users', { ...v, roles: newRoles.filter((r) => r.role || r.org) });
      message.success('用户已创建');
      setCreating(false);
      form.resetFields();
      setNewRoles([{ role: '', org: '' }]);
      void load();
    } catch (e) {
      fail(e);
    }
  };
  const toggle = async (u: User, enabled: boolean) => {
    try {
      await api.post(`/api/admin/users/${u.id}/status`, { disabled: !enabled });
      void load();
    } catch (e) {
      message.error(e instanceof ApiError ? e.title : '操作失败');
    }
  };
  return (
    <Card
      title="用户与角色"
      extra={
        <Space>
          <Input.Search
            allowClear
            placeholder="用户名或姓名"
            aria-label="查找用户"
            onSearch={setFilter}
            style={{ width: 200 }}
          />
          <Button type="primary" onClick={() => (setErrors([]), setCreating(true))}>
            新建用户
          </Button>
        </Space>
      }
    >
      <Table
        size="small"
        rowKey="id"
        dataSource={shown}
        pagination={{ pageSize: 20 }}
        scroll={{ x: 800 }}
        columns={[
          { title: '用户名', dataIndex: 'username' },
          { title: '姓名', dataIndex: 'name' },
          {
            title: '角色（所在机构）',
            dataIndex: 'roles',
            render: (rs: RoleAt[]) =>
              rs.map((r) => (
                <Tag key={r.role + r.org}>
                  {roleName(r.role)} · {orgName.get(r.org) ?? r.org}
                </Tag>
              )),
          },
          {
            title: '启用',
            dataIndex: 'disabled',
            render: (d: boolean, u: User) => (
              <Switch aria-label={`启用 ${u.username}`} checked={!d} onChange={(on) => void toggle(u, on)} />
            ),
          },
          {
            title: '操作',
            render: (u: User) => (
              <Button
                size="small"
                onClick={() => (setErrors([]), setEditRoles(u.roles.map((r) => ({ ...r }))), setEditing(u))}
              >
                分配角色
              </Button>
            ),
          },
        ]}
      />
      <Modal
        open={!!editing}
        title={`分配角色：${editing?.name ?? ''}（${editing?.username ?? ''}）`}
        onCancel={() => setEditing(undefined)}
        onOk={() => void saveRoles()}
        okText="保存"
        width={640}
      >
        {errors.length > 0 && (
          <Alert type="error" showIcon style={{ marginBottom: 12 }} message={errors.join('；')} />
        )}
        <RolesEditor value={editRoles} onChange={setEditRoles} roles={roles} orgs={orgs} />
      </Modal>
      <Modal
        open={creating}
        title="新建用户"
        onCancel={() => setCreating(false)}
        onOk={() => void create()}
        okText="创建"
        width={640}
      >
        {errors.length > 0 && (
          <Alert type="error" showIcon style={{ marginBottom: 12 }} message={errors.join('；')} />
        )}
        <Form form={form} layout="vertical">
          <Form.Item
            name="username"
            label="用户名"
            rules={[{ required: true, pattern: /^[a-z][a-z0-9_.-]{2,31}$/, message: '3–32位小写字母、数字' }]}
          >
            <Input />
          </Form.Item>
          <Form.Item name="name" label="姓名" rules={[{ required: true, message: '请填写姓名' }]}>
            <Input />
          </Form.Item>
          <Form.Item
            name="password"
            label="初始密码"
            rules={[{ required: true, min: 10, message: '至少10位' }]}
          >
            <Input.Password />
          </Form.Item>
        </Form>
        <RolesEditor value={newRoles} onChange={setNewRoles} roles={roles} orgs={orgs} />
      </Modal>
    </Card>
  );
}
