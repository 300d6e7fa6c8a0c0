/** 公示栏 the public notice board: no login, phone first, masked data, objections with a receipt number. */
import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import {
  Alert,
  Button,
  Card,
  Descriptions,
  Empty,
  Form,
  Input,
  Result,
  Select,
  Space,
  Tag,
  Typography,
} from 'antd';
import type { Items } from '../../../shared/api-types';
import { api, ApiError } from '../api';
import { fmt } from '../labels';
import { remaining } from '../remaining';

/** a notice as the board sends it (services/public-board.ts): masked, codes by their names */
interface Notice {
  id: string;
  title: string;
  orgId: string;
  orgName: string;
  days: number;
  calendar: string;
  opensAt: string;
  closesAt: string | null;
  open: boolean;
  closesPending: boolean;
  content: Record<string, unknown>;
  fields?: Record<string, string>;
}
interface Board {
  org: { id: string; name: string; level: string };
  items: Notice[];
  longTerm: Notice[];
}
interface Org {
  id: string;
  name: string;
  level: string;
  parent_id: string | null;
}
interface Lookup {
  receipt: string;
  statusText: string;
  history?: { status: string; statusText: string; at: string }[];
  outcome?: { result: string; resultText: string; decidedAt: string };
}

/** a published value as text: lists joined, a group (an address) by its parts */
const asText = (v: unknown): string =>
  Array.isArray(v)
    ? v.map(asText).join('、')
    : v && typeof v === 'object'
      ? Object.values(v as Record<string, unknown>)
          .map(asText)
          .join(' ')
      : v === undefined || v === null || v === ''
        ? '—'
        : String(v);

export default function PublicBoard() {
  const [params, setParams] = useSearchParams();
  // no place chosen: the whole county's board (the server's default); a QR code names the place and notice
  const org = params.get('org') ?? '';
  const focus = params.get('notice') ?? '';
  const [orgs, setOrgs] = useState<Org[]>([]);
  const [board, setBoard] = useState<Board>();
  const [error, setError] = useState<string>();
  const [objecting, setObjecting] = useState<string>();
  const [receipt, setReceipt] = useState<string>();
  const [lookup, setLookup] = useState<Lookup | { error: string }>();

  useEffect(() => {
    api
      .get<Items<Org>>('/api/public/orgs')
      .then((r) => setOrgs(r.items))
      .catch(() => {});
  }, []);
  useEffect(() => {
    setBoard(undefined);
    api
      .get<Board>(org ? `/api/public/notices?org=${encodeURIComponent(org)}` : '/api/public/notices')
      .then(setBoard)
      .catch((e) => setError(e instanceof ApiError ? e.title : '加载失败'));
  }, [org]);
  // opened from a poster's QR code: bring its notice into view
  useEffect(() => {
    if (focus && board)
      document.querySelector(`[data-notice="${CSS.escape(focus)}"]`)?.scrollIntoView({ block: 'start' });
  }, [focus, board]);
  const parentName = (o: Org) => orgs.find((p) => p.id === o.parent_id)?.name ?? '';

  const file = async (noticeId: string, v: { content: string; name?: string; contact?: string }) => {
    try {
      const r = await api.post<{ receipt: string }>(`/api/public/notices/${noticeId}/objections`, v);
      setReceipt(r.receipt);
      setObjecting(undefined);
    } catch (e) {
      // field messages (e.g. a contact that is no phone number) say what to change
      setError(e instanceof ApiError ? [e.title, ...e.errors.map((f) => f.message)].join('：') : '提交失败');
    }
  };
  const check = async (v: { receipt: string }) => {
    try {
      setLookup(await api.get<Lookup>(`/api/public/objections/${encodeURIComponent(v.receipt.trim())}`));
    } catch (e) {
      setLookup({ error: e instanceof ApiError ? e.title : '查询失败' });
    }
  };

  return (
    <div style={{ maxWidth: 760, margin: '0 auto', padding: 12, minHeight: '100vh', background: '#f5f6f8' }}>
      <Typography.Title level={3} style={{ color: '#a61d24', marginTop: 8 }}>
        公示栏
      </Typography.Title>
      <Typography.Paragraph type="secondary">
        公示期内，任何人均可对公示内容提出异议。个人信息已按规定脱敏。
      </Typography.Paragraph>
      <Select
        showSearch
        size="large"
        style={{ width: '100%', marginBottom: 16 }}
        placeholder="搜索村、乡镇（街道）名称"
        value={board?.org.id ?? (org || undefined)}
        onChange={(v) => setParams({ org: v })}
        aria-label="选择地区"
        // a village is found by its own name or its township's; the chosen place reads as its plain name
        filterOption={(input, option) => !!option && `${option.label}${option.parent}`.includes(input.trim())}
        optionRender={(option) => (
          <span
            style={{
              paddingLeft: option.data.level === 'village' ? 24 : option.data.level === 'township' ? 12 : 0,
            }}
          >
            {option.data.label}
            {option.data.parent && option.data.level === 'village' && (
              <Typography.Text type="secondary" style={{ marginLeft: 8, fontSize: 12 }}>
                {option.data.parent}
              </Typography.Text>
            )}
          </span>
        )}
        options={orgs.map((o) => ({ value: o.id, label: o.name, level: o.level, parent: parentName(o) }))}
      />
      {board && (
        <Typography.Paragraph strong data-testid="board-place">
          {board.org.level === 'county' ? `${board.org.name}（全县）当前公示` : `${board.org.name} 的公示`}
        </Typography.Paragraph>
      )}
      {receipt && (
        <Result
          status="success"
          title="异议已受理"
          subTitle={
            <span>
              回执号：
              <Typography.Text copyable strong style={{ fontSize: 18 }}>
                {receipt}
              </Typography.Text>
              <br />
              请保存回执号，用于查询办理进度。
            </span>
          }
          extra={<Button onClick={() => setReceipt(undefined)}>返回公示</Button>}
        />
      )}
      {error && (
        <Alert
          type="error"
          showIcon
          message={error}
          closable
          onClose={() => setError(undefined)}
          style={{ marginBottom: 12 }}
        />
      )}
      {!receipt &&
        board &&
        (board.items.length === 0 ? (
          <Empty description={`${board.org.name}暂无公示`} />
        ) : (
          <Space direction="vertical" size={12} style={{ width: '100%' }}>
            {board.items.map((n) => {
              return (
                <Card
                  key={n.id}
                  id={`notice-${n.id}`}
                  data-notice={n.id}
                  style={
                    n.id === focus ? { borderColor: '#a61d24', boxShadow: '0 0 0 2px #ffccc7' } : undefined
                  }
                  title={<span style={{ whiteSpace: 'normal' }}>{n.title}</span>}
                  extra={n.open ? <Tag color="green">公示中</Tag> : <Tag>已结束</Tag>}
                >
                  <Descriptions column={1} size="small">
                    <Descriptions.Item label="公示期">
                      {fmt(n.opensAt)} 至{' '}
                      {n.closesPending ? '截止时间待定（等待发布节假日安排）' : fmt(n.closesAt)}（{n.days}个
                      {n.calendar === 'working' ? '工作日' : '自然日'}）
                    </Descriptions.Item>
                    {n.open && !n.closesPending && n.closesAt && (
                      <Descriptions.Item label="剩余">{remaining(n.closesAt)}</Descriptions.Item>
                    )}
                    {board.org.level !== 'village' && (
                      <Descriptions.Item label="公示地点">{n.orgName}</Descriptions.Item>
                    )}
                    {Object.entries(n.content ?? {}).map(([k, v]) => (
                      <Descriptions.Item key={k} label={LABELS[k] ?? n.fields?.[k] ?? k}>
                        {asText(v)}
                      </Descriptions.Item>
                    ))}
                  </Descriptions>
                  <Space wrap>
                    {n.open && objecting !== n.id && (
                      <Button onClick={() => setObjecting(n.id)}>提出异议</Button>
                    )}
                    <Button type="link" href={`/api/public/notices/${n.id}/poster.pdf`} target="_blank">
                      打印公示海报
                    </Button>
                  </Space>
                  {objecting === n.id && (
                    <Form layout="vertical" onFinish={(v) => file(n.id, v)} style={{ marginTop: 12 }}>
                      <Form.Item
                        label="异议内容"
                        name="content"
                        rules={[
                          { required: true, message: '请填写异议内容' },
                          { max: 2000, message: '异议内容不超过2000字' },
                        ]}
                      >
                        <Input.TextArea rows={4} maxLength={2000} showCount />
                      </Form.Item>
                      <Form.Item label="姓名（可不填）" name="name">
                        <Input maxLength={50} />
                      </Form.Item>
                      <Form.Item
                        label="联系方式（可不填）"
                        name="contact"
                        extra="11位手机号，或带区号的固定电话（如0734-1234567）"
                        rules={[
                          {
                            pattern:
                              /^\s*(?:(?:\+?86|0086)[\s-]?)?1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}\s*$|^\s*\(?0\d{2,3}\)?[\s-]?[1-9]\d{6,7}\s*$/,
                            message: '请填写11位手机号或带区号的固定电话',
                          },
                        ]}
                      >
                        <Input maxLength={50} inputMode="tel" />
                      </Form.Item>
                      <Space>
                        <Button type="primary" htmlType="submit">
                          提交异议
                        </Button>
                        <Button onClick={() => setObjecting(undefined)}>取消</Button>
                      </Space>
                    </Form>
                  )}
                </Card>
              );
            })}
          </Space>
        ))}
      {!receipt && board && board.longTerm.length > 0 && <LongTerm items={board.longTerm} />}
      <Card title="异议办理进度查询" style={{ marginTop: 16 }}>
        <Form layout="inline" onFinish={check}>
          <Form.Item name="receipt" rules={[{ required: true, message: '请输入回执号' }]}>
            <Input placeholder="回执号" aria-label="回执号" />
          </Form.Item>
          <Button htmlType="submit">查询</Button>
        </Form>
        {lookup && (
          <div style={{ marginTop: 12 }}>
            {'error' in lookup ? (
              lookup.error
            ) : (
              <Descriptions
                column={1}
                size="small"
                title={
                  <span style={{ whiteSpace: 'normal' }}>
                    {lookup.receipt}：{lookup.statusText}
                  </span>
                }
              >
                {(lookup.history ?? []).map((h) => (
                  <Descriptions.Item key={h.status} label={fmt(h.at)}>
                    {h.statusText}
                  </Descriptions.Item>
                ))}
                {lookup.outcome && (
                  <Descriptions.Item label="核实结论">
                    异议{lookup.outcome.resultText}（{fmt(lookup.outcome.decidedAt)}）
                  </Descriptions.Item>
                )}
              </Descriptions>
            )}
          </div>
        )}
      </Card>
    </div>
  );
}

const LABELS: Record<string, string> = {
  'application.name': '户主',
  'application.address.village': '村',
  'application.address.group': '村民小组',
  'application.riskReasons': '风险类型',
  'income.A38': '人均收入参考（元）',
  'project.name': '项目名称',
  'project.category': '项目类别',
  'project.funding.total': '资金规模（万元）',
  'project.location': '实施地点',
  'project.responsibleUnit': '责任单位',
  'collection.members': '家庭成员',
};

/** 长期公告 admitted projects, adjustments and asset ledgers: they stay on the board, with a search */
function LongTerm({ items }: { items: Notice[] }) {
  const [q, setQ] = useState('');
  const shown = items.filter((n) => !q.trim() || JSON.stringify([n.title, n.content]).includes(q.trim()));
  return (
    <Card
      title="长期公告"
      style={{ marginTop: 16 }}
      extra={
        <Input.Search
          allowClear
          placeholder="搜索项目、资产"
          aria-label="搜索长期公告"
          onSearch={setQ}
          onChange={(e) => !e.target.value && setQ('')}
          style={{ maxWidth: 200 }}
        />
      }
    >
      {shown.length === 0 ? (
        <Empty description="没有符合的公告" />
      ) : (
        <Space direction="vertical" size={12} style={{ width: '100%' }}>
          {shown.map((n) => (
            <Card
              key={n.id}
              size="small"
              type="inner"
              title={<span style={{ whiteSpace: 'normal' }}>{n.title}</span>}
              extra={<Tag color="blue">长期公告</Tag>}
            >
              <Descriptions column={1} size="small">
                <Descriptions.Item label="公告日期">{fmt(n.opensAt)}</Descriptions.Item>
                {Object.entries(n.content ?? {}).map(([k, v]) => (
                  <Descriptions.Item key={k} label={LABELS[k] ?? n.fields?.[k] ?? k}>
                    {asText(v)}
                  </Descriptions.Item>
                ))}
              </Descriptions>
            </Card>
          ))}
        </Space>
      )}
    </Card>
  );
}
