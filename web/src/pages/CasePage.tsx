/** 案件 progress of the definition (done / current / next), the timeline, notices, objections, withdraw and urge. */
import { useEffect, useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Empty,
  Row,
  Space,
  Spin,
  Steps,
  Table,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import {
  api,
  ApiError,
  requestId,
  type ActivityRunPayload,
  type CaseEvent,
  type CaseNotice,
  type CaseView,
} from '../api';
import { fmt, PROCESS, STATUS } from '../labels';
import { isMilestone } from '../../../workflows/kinds/index';

const KIND: Record<string, string> = {
  'case.started': '发起',
  'task.created': '到达',
  'task.signed': '办理',
  'task.closed': '完成',
  'notice.opened': '公示开始',
  'notice.closed': '公示结束',
  'objection.filed': '收到异议',
  'case.ended': '办结',
  cc: '抄送',
  notify: '通知',
  escalation: '超时升级',
  'notice.scheduled': '公示截止时间确定',
  'calendar.waiting': '等待节假日安排',
  'calendar.resolved': '节假日安排已发布',
  'activity.completed': '自动环节',
  'activity.failed': '自动环节失败',
  'activity.running': '自动环节运行中',
};

/**
 * 办理记录 one line per thing that happened: a step's arrival once (not once per assignee of a 会签, nor again
 * when an overdue task is escalated), an escalation as its own line, every signature, notices, objections, the end.
 */
function cleanTimeline(events: CaseEvent[]): CaseEvent[] {
  const arrived = new Set<string>();
  const stepOfTask = new Map<string, string>();
  const out: CaseEvent[] = [];
  for (const e of events) {
    if (e.kind === 'task.closed') continue;
    if (e.kind === 'notify') {
      if (e.payload?.notifyKind === 'escalation') out.push({ ...e, kind: 'escalation' });
      continue;
    }
    if (e.kind === 'task.created') {
      stepOfTask.set(e.payload?.taskId ?? '', e.step_id ?? '');
      if (arrived.has(e.step_id ?? '')) continue;
      arrived.add(e.step_id ?? '');
    }
    // a step finished: coming back to it later (a return) is a new arrival
    if (e.kind === 'task.signed' && e.payload?.final)
      arrived.delete(e.step_id ?? stepOfTask.get(e.payload?.taskId ?? '') ?? '');
    if (e.kind === 'notice.closed') arrived.delete(e.step_id ?? '');
    out.push(e);
  }
  return out;
}

export default function CasePage() {
  const { id } = useParams();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const [c, setC] = useState<CaseView>();
  const [error, setError] = useState<string>();
  const load = () =>
    api
      .get<CaseView>(`/api/cases/${id}`)
      .then(setC)
      .catch((e) => setError(e instanceof ApiError ? e.title : '加载失败'));
  useEffect(() => {
    void load();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [id]);
  if (error) return <Empty description={error} />;
  if (!c) return <Spin style={{ display: 'block', margin: 48 }} />;

  // the stages of the progress: each step kind says whether it is one (tasks, notices, the approved end)
  const steps = (c.definition?.steps ?? []).filter(isMilestone);
  const ended = c.timeline.find((e) => e.kind === 'case.ended');
  // the end step a finished case reached is done, not waiting
  const done = new Set([...c.progress.done, ...(ended?.step_id ? [ended.step_id] : [])]);
  const current = new Set(c.progress.current);
  const currentIndex = steps.findIndex((s) => current.has(s.id));
  const caseAction = async (kind: 'withdraw' | 'urge') => {
    try {
      await api.post(`/api/cases/${id}/${kind}`, { requestId: requestId() });
      message.success(kind === 'withdraw' ? '已撤回' : '已催办');
      void load();
    } catch (e) {
      message.error(e instanceof ApiError ? e.title : '操作失败');
    }
  };
  const st = STATUS[c.case.status];
  const stepTitle = (id?: string | null) => c.definition?.steps?.find((s) => s.id === id)?.title?.zh;
  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <Card
        title={
          <span className="zx-case-title" style={{ whiteSpace: 'normal' }}>
            {c.case.title} <Tag color={st?.color}>{st?.text ?? c.case.status}</Tag>
          </span>
        }
        styles={{ header: { flexWrap: 'wrap', rowGap: 8, paddingBlock: 8 } }}
        extra={
          <Space wrap>
            {Object.keys(c.data ?? {})
              .filter((k) =>
                [
                  'application',
                  'collection',
                  'identification-approval',
                  'elimination-assessment',
                  'project',
                ].includes(k),
              )
              .map((k) => (
                <Button key={k} onClick={() => navigate(`/cases/${c.case.id}/print/${k}`)}>
                  打印{DOC_ZH[k]}
                </Button>
              ))}
            {c.case.status === 'running' && <Button onClick={() => caseAction('urge')}>催办</Button>}
            {c.canWithdraw && (
              <Button danger onClick={() => caseAction('withdraw')}>
                撤回
              </Button>
            )}
          </Space>
        }
      >
        <Descriptions size="small" column={{ xs: 1, sm: 2, md: 3 }}>
          <Descriptions.Item label="编号">{c.case.id}</Descriptions.Item>
          <Descriptions.Item label="事项">
            {PROCESS[c.case.processKey] ?? c.case.processKey}（流程第 {c.case.processVersion} 版）
          </Descriptions.Item>
          <Descriptions.Item label="地区">{c.case.orgName}</Descriptions.Item>
          <Descriptions.Item label="对象">{c.case.subjectName}</Descriptions.Item>
          <Descriptions.Item label="发起时间">{fmt(c.case.startedAt)}</Descriptions.Item>
          <Descriptions.Item label="办结时间">{fmt(c.case.endedAt)}</Descriptions.Item>
        </Descriptions>
      </Card>
      {c.calendarWaits?.map((w) => (
        <Alert
          key={w.step_id + w.purpose}
          type="warning"
          showIcon
          message={`${w.purpose === 'notice' ? '公示' : '办理期限'}：${w.year}年节假日安排尚未录入，${w.purpose === 'notice' ? '公示截止时间' : '办理期限'}待定`}
          description="管理员在“节假日安排”中发布该年安排后自动继续，无需其他操作。"
        />
      ))}
      <Card title="办理进度">
        <div style={{ overflowX: 'auto' }}>
          <Steps
            size="small"
            current={currentIndex >= 0 ? currentIndex : steps.length}
            status={
              c.case.status === 'running' ? 'process' : c.case.status === 'approved' ? 'finish' : 'error'
            }
            items={steps.map((s) => ({
              title: s.title.zh,
              status: done.has(s.id) ? 'finish' : current.has(s.id) ? 'process' : 'wait',
            }))}
            style={{ minWidth: Math.max(600, steps.length * 110) }}
          />
        </div>
      </Card>
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={14}>
          <Card title="办理记录">
            <Timeline
              items={cleanTimeline(c.timeline).map((e) => ({
                color:
                  e.kind === 'case.ended'
                    ? c.case.status === 'approved'
                      ? 'green'
                      : 'red'
                    : e.kind === 'task.signed'
                      ? 'blue'
                      : e.kind === 'activity.failed'
                        ? 'red'
                        : e.kind === 'escalation'
                          ? 'orange'
                          : 'gray',
                children: (
                  <div>
                    <Typography.Text strong>{KIND[e.kind] ?? e.kind}</Typography.Text>{' '}
                    {e.kind === 'escalation'
                      ? e.payload?.message
                      : e.kind === 'case.ended'
                        ? (stepTitle(e.step_id) ?? '')
                        : (e.payload?.stepTitle ?? stepTitle(e.step_id) ?? '')}
                    {e.kind === 'task.signed' && (
                      <>
                        ：{e.payload?.actorName ?? e.actor_name} <Tag>{actionText(e.payload?.action)}</Tag>
                        {e.payload?.comment && <div style={{ color: '#555' }}>意见：{e.payload.comment}</div>}
                      </>
                    )}
                    {e.kind.startsWith('activity.') && e.payload && (
                      <ActivityRun run={e.payload as unknown as ActivityRunPayload} />
                    )}
                    {e.kind === 'notice.opened' && (
                      <span>
                        （{e.payload?.days} 天，
                        {e.payload?.closesAt
                          ? `至 ${fmt(new Date(e.payload.closesAt).toISOString())}`
                          : '截止时间待定'}
                        ）
                      </span>
                    )}
                    {(e.payload?.calendarNote || e.payload?.message) && e.kind !== 'notify' && (
                      <div style={{ color: '#555', fontSize: 12 }}>
                        {(e.payload?.calendarNote ?? e.payload?.message ?? '').split(' / ')[0]}
                      </div>
                    )}
                    {/* objections are stored by the board and reach the case together when the window closes */}
                    {e.kind === 'notice.closed' && (e.payload?.objectionCount ?? 0) > 0 && (
                      <span>（收到异议 {e.payload?.objectionCount} 件）</span>
                    )}
                    <div>
                      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                        {fmt(e.at)}
                      </Typography.Text>
                    </div>
                  </div>
                ),
              }))}
            />
          </Card>
        </Col>
        <Col xs={24} lg={10}>
          <Card title="公示与异议">
            {c.notices.length === 0 ? (
              <Empty description="暂无公示" />
            ) : (
              <Table
                size="small"
                rowKey="id"
                pagination={false}
                dataSource={c.notices}
                columns={[
                  {
                    title: '公示',
                    dataIndex: 'title',
                    render: (_: unknown, n: CaseNotice) =>
                      `${n.days}天（${n.calendar === 'working' ? '工作日' : '自然日'}）`,
                  },
                  { title: '开始', dataIndex: 'opens_at', render: fmt },
                  {
                    title: '结束',
                    dataIndex: 'closes_at',
                    render: (v: string | null) => (v ? fmt(v) : '待定'),
                  },
                  { title: '异议', dataIndex: 'objection_count' },
                ]}
                expandable={{
                  rowExpandable: (n: CaseNotice) => !!n.calendar_note,
                  defaultExpandAllRows: true,
                  expandedRowRender: (n: CaseNotice) => (
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {n.calendar_note?.split(' / ')[0]}
                      {n.closes_at && '。截止时间在公示开始时确定，此后修改节假日安排不影响本公示。'}
                    </Typography.Text>
                  ),
                }}
              />
            )}
            {c.objections.map((o) => (
              <div key={o.receipt} style={{ marginTop: 8 }}>
                <Tag>{o.receipt}</Tag>
                {o.content} <Tag color="orange">{OBJECTION_ZH[o.status] ?? o.status}</Tag>
              </div>
            ))}
          </Card>
        </Col>
      </Row>
    </Space>
  );
}

function actionText(a?: string) {
  return (
    (
      {
        submit: '提交',
        approve: '同意',
        reject: '不同意',
        return: '退回',
        unfounded: '异议不成立',
        upheld: '异议成立',
        'delegate-reply': '委派意见',
      } as Record<string, string>
    )[a ?? ''] ?? a
  );
}

const OBJECTION_ZH: Record<string, string> = {
  received: '已受理',
  investigating: '调查核实中',
  unfounded: '异议不成立',
  upheld: '异议成立',
};

const DOC_ZH: Record<string, string> = {
  application: '附件1',
  collection: '附件2',
  'identification-approval': '附件3',
  'elimination-assessment': '附件5',
  project: '项目表',
};

/** 自动环节 an activity step on the timeline: attempts, duration, what went in and what came out */
function ActivityRun({ run }: { run: ActivityRunPayload }) {
  return (
    <div style={{ color: '#555', fontSize: 12 }}>
      尝试 {run.attempts} 次{run.durationMs !== null && `，用时 ${(run.durationMs / 1000).toFixed(1)} 秒`}
      <div>输入：{run.inputSummary || '无'}</div>
      {run.outputSummary && <div>结果：{run.outputSummary}</div>}
      {run.error && <div>错误：{run.error}</div>}
    </div>
  );
}
