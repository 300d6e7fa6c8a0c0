/** 待办 the task inbox: four tabs with counts, filters, load more, bulk approve, start a case. */
import { useCallback, useEffect, useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import {
  App,
  Badge,
  Button,
  Card,
  Checkbox,
  Empty,
  List,
  Modal,
  Select,
  Space,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { api, ApiError, requestId, type InboxCounts, type InboxPage, type Items, type OrgNode } from '../api';
import { fmt, PROCESS, STATUS } from '../labels';
import { StartCase } from './StartCase';

interface Item {
  task_id: string;
  step_id: string;
  step_title: string;
  /** 会签 how many must sign and how many have (已办) */
  min_signers?: number;
  signed_count?: number;
  case_id: string;
  title: string;
  process_key: string;
  case_status: string;
  created_at: string;
  due_at: string | null;
  task_status: string;
}

const TABS = [
  { key: 'todo', label: '待办' },
  { key: 'done', label: '已办' },
  { key: 'initiated', label: '我发起的' },
  { key: 'cc', label: '抄送我的' },
];

export default function Inbox() {
  const { message, modal } = App.useApp();
  const navigate = useNavigate();
  const [view, setView] = useState('todo');
  const [items, setItems] = useState<Item[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [counts, setCounts] = useState<Record<string, number>>({});
  const [filters, setFilters] = useState<{ process?: string; org?: string; due?: string }>({});
  const [orgs, setOrgs] = useState<{ id: string; name: string; level: string }[]>([]);
  const [selected, setSelected] = useState<string[]>([]);
  const [loading, setLoading] = useState(false);
  const [starting, setStarting] = useState(false);
  const [views, setViews] = useState<{ id: string; name: string; query: Record<string, string> }[]>([]);
  const loadViews = () =>
    api
      .get<Items<{ id: string; name: string; query: Record<string, string> }>>('/api/views')
      .then((r) => setViews(r.items))
      .catch(() => {});
  useEffect(() => void loadViews(), []);
  const applyView = (id: string) => {
    const v = views.find((x) => x.id === id);
    if (!v) return;
    const { view: tab, ...rest } = v.query;
    if (tab) setView(tab);
    setFilters(rest);
  };
  const saveView = () => {
    let name = '';
    modal.confirm({
      title: '保存为常用筛选',
      content: (
        <input
          aria-label="常用筛选名称"
          maxLength={30}
          placeholder="如：本村超期待办"
          style={{ width: '100%', padding: 6, border: '1px solid #d9d9d9', borderRadius: 6 }}
          onChange={(e) => (name = e.target.value)}
        />
      ),
      okText: '保存',
      cancelText: '取消',
      onOk: async () => {
        await api.post('/api/views', { name, query: { view, ...filters } });
        message.success(`已保存“${name}”`);
        void loadViews();
      },
    });
  };
  const gen = useRef(0);

  const load = useCallback(
    async (more = false) => {
      const g = ++gen.current;
      setLoading(true);
      const q = new URLSearchParams({
        view,
        limit: '20',
        ...Object.fromEntries(Object.entries(filters).filter(([, v]) => v)),
      });
      if (more && cursor) q.set('cursor', cursor);
      try {
        const [page, c] = await Promise.all([
          api.get<InboxPage>(`/api/tasks?${q}`),
          api.get<InboxCounts>('/api/tasks/counts'),
        ]);
        if (g !== gen.current) return;
        setItems((prev) => (more ? [...prev, ...page.items] : page.items));
        setCursor(page.nextCursor);
        setCounts({ ...c });
      } finally {
        if (g === gen.current) setLoading(false);
      }
    },
    [view, filters, cursor],
  );

  useEffect(() => {
    setSelected([]);
    void load(false);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [view, filters]);
  useEffect(() => {
    api
      .get<Items<OrgNode>>('/api/orgs')
      .then((r) => setOrgs(r.items))
      .catch(() => {});
    // live refresh: the server pushes inbox counts when they change (server-sent events)
    const events = new EventSource('/api/events');
    let first = true;
    events.addEventListener('inbox', () => {
      if (!first) void load(false);
      first = false;
    });
    return () => events.close();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [view, filters]);

  const sameStep =
    selected.length > 0 &&
    new Set(items.filter((i) => selected.includes(i.task_id)).map((i) => `${i.process_key}/${i.step_id}`))
      .size === 1;
  const bulkApprove = () =>
    Modal.confirm({
      title: `批量同意 ${selected.length} 项任务？`,
      okText: '同意',
      cancelText: '取消',
      onOk: async () => {
        const r = await api.post<{ results: { taskId: string; status: number; title?: string }[] }>(
          '/api/tasks/bulk-complete',
          {
            items: selected.map((taskId) => ({
              taskId,
              requestId: requestId(),
              action: 'approve',
              comment: '批量同意',
            })),
          },
        );
        const ok = r.results.filter((x: { status: number }) => x.status === 200).length;
        const failed = r.results.filter((x: { status: number }) => x.status !== 200);
        if (failed.length) message.warning(`${ok} 项已办理，${failed.length} 项未办理：${failed[0].title}`);
        else message.success(`${ok} 项已办理`);
        setSelected([]);
        void load(false);
      },
    });

  const overdue = (i: Item) =>
    i.task_status === 'open' && i.due_at && new Date(i.due_at).getTime() < Date.now();

  return (
    <Card
      title="我的工作台"
      extra={
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setStarting(true)}>
          发起
        </Button>
      }
      styles={{ body: { paddingTop: 0 } }}
    >
      <Tabs
        activeKey={view}
        onChange={setView}
        items={TABS.map((t) => ({
          key: t.key,
          label: (
            <span>
              {t.label}{' '}
              {counts[t.key] ? (
                <Badge
                  count={counts[t.key]}
                  overflowCount={999}
                  color={t.key === 'todo' ? '#a61d24' : '#999'}
                />
              ) : null}
            </span>
          ),
        }))}
      />
      <Space wrap style={{ marginBottom: 12 }}>
        {views.length > 0 && (
          <Select
            placeholder="常用筛选"
            style={{ width: 150 }}
            aria-label="常用筛选"
            value={null as unknown as string}
            onChange={applyView}
            options={views.map((v) => ({ value: v.id, label: v.name }))}
          />
        )}
        <Select
          allowClear
          placeholder="流程"
          style={{ width: 150 }}
          value={filters.process}
          onChange={(v) => setFilters({ ...filters, process: v })}
          options={Object.entries(PROCESS).map(([value, label]) => ({ value, label }))}
          aria-label="按流程筛选"
        />
        <Select
          allowClear
          showSearch
          optionFilterProp="label"
          placeholder="乡镇/村"
          style={{ width: 160 }}
          value={filters.org}
          onChange={(v) => setFilters({ ...filters, org: v })}
          options={orgs
            .filter((o) => o.level === 'township' || o.level === 'village')
            .map((o) => ({ value: o.id, label: o.name }))}
          aria-label="按地区筛选"
        />
        <Select
          allowClear
          placeholder="期限"
          style={{ width: 120 }}
          value={filters.due}
          onChange={(v) => setFilters({ ...filters, due: v })}
          options={[
            { value: 'overdue', label: '已超期' },
            { value: 'today', label: '今日到期' },
            { value: 'week', label: '一周内到期' },
          ]}
          aria-label="按期限筛选"
        />
        <Button onClick={saveView} disabled={!Object.values(filters).some(Boolean)}>
          保存筛选
        </Button>
        {view === 'todo' && (
          <Button disabled={!sameStep} onClick={bulkApprove}>
            批量同意{selected.length ? `（${selected.length}）` : ''}
          </Button>
        )}
      </Space>
      <List
        loading={loading && items.length === 0}
        dataSource={items}
        locale={{ emptyText: <Empty description={view === 'todo' ? '暂无待办，辛苦了' : '暂无记录'} /> }}
        renderItem={(i) => (
          <List.Item
            key={`${i.task_id}-${i.case_id}`}
            actions={[
              view === 'todo' ? (
                <Link to={`/tasks/${i.task_id}`}>办理</Link>
              ) : (
                <Link to={`/cases/${i.case_id}`}>查看</Link>
              ),
            ]}
          >
            {view === 'todo' && (
              <Checkbox
                style={{ marginRight: 12 }}
                checked={selected.includes(i.task_id)}
                aria-label={`选择 ${i.title}`}
                onChange={(e) =>
                  setSelected(
                    e.target.checked ? [...selected, i.task_id] : selected.filter((x) => x !== i.task_id),
                  )
                }
              />
            )}
            <List.Item.Meta
              title={
                <a onClick={() => navigate(view === 'todo' ? `/tasks/${i.task_id}` : `/cases/${i.case_id}`)}>
                  {i.title}
                </a>
              }
              description={
                <Space size={4} wrap>
                  <Tag color="red">{PROCESS[i.process_key] ?? i.process_key}</Tag>
                  {i.step_title && <Tag>{i.step_title}</Tag>}
                  {view !== 'todo' && (
                    <Tag color={STATUS[i.case_status]?.color}>
                      {STATUS[i.case_status]?.text ?? i.case_status}
                    </Tag>
                  )}
                  {view === 'done' && i.task_status === 'open' && (i.min_signers ?? 1) > 1 && (
                    <Tag color="processing">
                      会签进度 {i.signed_count ?? 0}/{i.min_signers}，等待其他人
                    </Tag>
                  )}
                  {overdue(i) && <Tag color="error">已超期</Tag>}
                  <Typography.Text type="secondary">{fmt(i.created_at)}</Typography.Text>
                </Space>
              }
            />
          </List.Item>
        )}
      />
      {cursor && (
        <div style={{ textAlign: 'center', marginTop: 12 }}>
          <Button onClick={() => void load(true)} loading={loading}>
            加载更多
          </Button>
        </div>
      )}
      <StartCase
        open={starting}
        onClose={() => setStarting(false)}
        onStarted={(id) => {
          setStarting(false);
          message.success('已发起');
          navigate(`/cases/${id}`);
        }}
      />
    </Card>
  );
}

export { ApiError };
