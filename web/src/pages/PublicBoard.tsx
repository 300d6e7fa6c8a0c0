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
import { api, ApiError } from '../api';
import { fmt } from '../labels';

export default function PublicBoard() {
  const [params, setParams] = useSearchParams();
  const org = params.get('org') ?? '';
  const [orgs, setOrgs] = useState<{ id: string; name: string; level: string; parent_id: string }[]>([]);
  const [board, setBoard] = useState<any>();
  const [error, setError] = useState<string>();
  const [objecting, setObjecting] = useState<string>();
  const [receipt, setReceipt] = useState<string>();
  const [lookup, setLookup] = useState<any>();

  useEffect(() => {
    api
      .get('/api/public/orgs')
      .then((r) => setOrgs(r.items))
      .catch(() => {});
  }, []);
  useEffect(() => {
    setBoard(undefined);
    if (org)
      api
        .get(`/api/public/notices?org=${encodeURIComponent(org)}`)
        .then(setBoard)
        .catch((e) => setError(e instanceof ApiError ? e.title : '加载失败'));
  }, [org]);

  const file = async (noticeId: string, v: { content: string; name?: string; contact?: string }) => {
    try {
      const r = await api.post(`/api/public/notices/${noticeId}/objections`, v);
      setReceipt(r.receipt);
      setObjecting(undefined);
    } catch (e) {
      // field messages (e.g. a contact that is no phone number) say what to change
      setError(e instanceof ApiError ? [e.title, ...e.errors.map((f) => f.message)].join('：') : '提交失败');
    }
  };
  const check = async (v: { receipt: string }) => {
    try {
      setLookup(await api.get(`/api/public/objections/${encodeURIComponent(v.receipt.trim())}`));
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
        optionFilterProp="label"
        size="large"
        style={{ width: '100%', marginBottom: 16 }}
        placeholder="请选择村、乡镇或县"
        value={org || undefined}
        onChange={(v) => setParams({ org: v })}
        aria-label="选择地区"
        options={orgs.map((o) => ({
          value: o.id,
          label: `${o.level === 'village' ? '　　' : o.level === 'township' ? '　' : ''}${o.name}`,
        }))}
      />
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
            {board.items.map((n: any) => {
              const left = Math.ceil((new Date(n.closesAt).getTime() - Date.now()) / 86_400_000);
              return (
                <Card
                  key={n.id}
                  title={<span style={{ whiteSpace: 'normal' }}>{n.title}</span>}
                  extra={n.open ? <Tag color="green">公示中</Tag> : <Tag>已结束</Tag>}
                >
                  <Descriptions column={1} size="small">
                    <Descriptions.Item label="公示期">
                      {fmt(n.opensAt)} 至{' '}
                      {n.closesPending ? '截止时间待定（等待发布节假日安排）' : fmt(n.closesAt)}（{n.days}个
                      {n.calendar === 'working' ? '工作日' : '自然日'}）
                    </Descriptions.Item>
                    {n.open && !n.closesPending && (
                      <Descriptions.Item label="剩余">
                        {left > 0 ? `约 ${left} 天` : '不足1天'}
                      </Descriptions.Item>
                    )}
                    {Object.entries(n.content ?? {}).map(([k, v]) => (
                      <Descriptions.Item key={k} label={LABELS[k] ?? n.fields?.[k] ?? k}>
                        {Array.isArray(v)
                          ? v.join('、')
                          : typeof v === 'object'
                            ? JSON.stringify(v)
                            : String(v ?? '—')}
                      </Descriptions.Item>
                    ))}
                  </Descriptions>
                  {n.open && objecting !== n.id && (
                    <Button onClick={() => setObjecting(n.id)}>提出异议</Button>
                  )}
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
      {!receipt && board?.longTerm?.length > 0 && <LongTerm items={board.longTerm} />}
      <Card title="异议办理进度查询" style={{ marginTop: 16 }}>
        <Form layout="inline" onFinish={check}>
          <Form.Item name="receipt" rules={[{ required: true, message: '请输入回执号' }]}>
            <Input placeholder="回执号" aria-label="回执号" />
          </Form.Item>
          <Button htmlType="submit">查询</Button>
        </Form>
        {lookup && (
          <div style={{ marginTop: 12 }}>
            {lookup.error ?? (
              <Descriptions column={1} size="small" title={`${lookup.receipt}：${lookup.statusText}`}>
                {(lookup.history ?? []).map((h: { status: string; statusText: string; at: string }) => (
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
function LongTerm({ items }: { items: any[] }) {
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
                    {Array.isArray(v)
                      ? v.join('、')
                      : typeof v === 'object'
                        ? JSON.stringify(v)
                        : String(v ?? '—')}
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
