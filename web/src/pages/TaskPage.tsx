/**
 * 办理 one task: the step's form from the pinned version, the allowed actions, comments, draft, hand-over.
 * Nothing typed is lost: a refused submit keeps the page and marks the fields; every change is kept in a
 * local draft at once and saved to the server shortly after, and both come back on reload.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Collapse,
  Descriptions,
  Grid,
  Input,
  Modal,
  Result,
  Row,
  Select,
  Space,
  Spin,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import {
  api,
  ApiError,
  requestId,
  type Items,
  type PersonRole,
  type TaskView,
  type IncomeHint,
} from '../api';
import type { TaskAction } from '../../../workflows/definition';
import { FormView, type FormViewHandle } from '../FormView';
import { RecordEditor, type RecordEditorHandle } from '../field/RecordEditor';
import { forgetRecord, HttpError, uploadRecord } from '../field/sync';
import { fmt, PROCESS } from '../labels';
import { DocumentView } from '../DocumentView';

export default function TaskPage() {
  const { id } = useParams();
  const { message } = App.useApp();
  const navigate = useNavigate();
  /** the task as the server sent it; `restoredDraft` when the form opens with what this browser kept */
  const [t, setT] = useState<TaskView & { restoredDraft?: boolean }>();
  /** the task could not be loaded at all (the only case that replaces the page) */
  const [loadError, setLoadError] = useState<string>();
  /** why the last action was refused: shown beside the actions, the form keeps every value */
  const [error, setError] = useState<string>();
  const [commentError, setCommentError] = useState<string>();
  const [comment, setComment] = useState('');
  const [draftState, setDraftState] = useState<string>();
  const serverSave = useRef<ReturnType<typeof setTimeout>>(undefined);
  const [returnTo, setReturnTo] = useState<string>();
  const [busy, setBusy] = useState<string>();
  const [handover, setHandover] = useState<'transfer' | 'delegate' | 'add-signer'>();
  const [people, setPeople] = useState<{ id: string; name: string }[]>([]);
  const [target, setTarget] = useState<string>();
  const form = useRef<FormViewHandle>(null);
  /** 入户核实记录 the actor's own record when the step asks for one (photos and signatures, as in the field app) */
  const record = useRef<RecordEditorHandle>(null);
  const recordUploads = useRef({});
  /** the person has typed or picked something: only then is a draft kept (the form's own changes on opening are not theirs) */
  const touched = useRef(false);
  const rid = useRef(requestId());
  const phone = !Grid.useBreakpoint().md;

  useEffect(() => {
    api
      .get<TaskView>(`/api/tasks/${id}`)
      .then((loaded) => {
        const local = readLocalDraft(String(id));
        if (local?.comment) setComment(local.comment);
        setT(local?.data ? { ...loaded, initialData: local.data, restoredDraft: true } : loaded);
      })
      .catch((e) => setLoadError(e instanceof ApiError ? e.title : '加载失败，请检查网络后刷新'));
    return () => clearTimeout(serverSave.current);
  }, [id]);

  /** keep what was typed: at once in this browser, and on the server two seconds after the last change */
  const keepDraft = useCallback(
    (patch: { data?: Record<string, unknown>; comment?: string }) => {
      const key = String(id);
      const next = { ...readLocalDraft(key), ...patch, savedAt: Date.now() };
      writeLocalDraft(key, next);
      clearTimeout(serverSave.current);
      if (!next.data) return;
      serverSave.current = setTimeout(() => {
        api
          .post(`/api/tasks/${key}/draft`, { data: next.data })
          .then(() =>
            setDraftState(`草稿已自动保存 ${new Date().toLocaleTimeString('zh-CN', { hour12: false })}`),
          )
          .catch(() => setDraftState('网络异常：草稿暂存在本机，恢复网络后会再保存'));
      }, 2000);
    },
    [id],
  );
  useEffect(() => {
    if (handover)
      api
        .get<Items<PersonRole>>('/api/users')
        // one line per person, whatever roles they hold
        .then((r) =>
          setPeople([...new Map(r.items.map((u) => [u.id, { id: u.id, name: u.name }])).values()]),
        );
  }, [handover]);

  if (loadError) return <Result status="warning" title={loadError} extra={<Link to="/">返回待办</Link>} />;
  if (!t) return <Spin style={{ display: 'block', margin: 48 }} />;
  const open = t.task.status === 'open' && t.actions.length > 0;

  const act = async (action: TaskAction) => {
    setError(undefined);
    setCommentError(undefined);
    if (action.commentRequired && !comment.trim()) {
      setCommentError(`“${action.label.zh}”需要填写意见 / a comment is required`);
      return setError(`“${action.label.zh}”需要填写意见，已填写的内容都还在`);
    }
    if (action.kind === 'return' && !returnTo) return setError('请选择退回到哪个环节');
    // a custom decision (异议不成立 …) takes the form along when anything was filled in, so the findings are not lost
    const typed = Object.values(form.current?.data() ?? {}).some(
      (v) => v !== undefined && v !== null && v !== '' && !(Array.isArray(v) && v.length === 0),
    );
    const withForm =
      t.form &&
      action.requiresForm !== false &&
      (action.kind === 'submit' || action.kind === 'approve' || (action.kind === 'custom' && typed));
    const data = withForm ? form.current?.check() : undefined;
    if (withForm && !data)
      return setError('表单有需要修改的地方：请按表单上方的提示逐项修改（已填写的内容都还在）');
    const ownRecord = withForm && t.ownRecord?.form ? record.current?.check() : undefined;
    if (withForm && t.ownRecord?.form && !ownRecord)
      return setError('入户核实记录有需要补充的地方：请按提示补充（照片、签名和已填写的内容都还在）');
    if (action.kind === 'reject' || action.kind === 'return') {
      const target = t.returnTargets.find((r) => r.id === returnTo)?.title;
      const ok = await new Promise<boolean>((resolve) =>
        Modal.confirm({
          title: `确认“${action.label.zh}”？`,
          content:
            action.kind === 'return'
              ? `退回后由“${target ?? returnTo}”重新办理。`
              : '不同意后案件按流程办结或转入相应环节，此操作不能撤回。',
          okText: '确认',
          cancelText: '再想想',
          onOk: () => resolve(true),
          onCancel: () => resolve(false),
        }),
      );
      if (!ok) return;
    }
    setBusy(action.id);
    try {
      // the record's photos and signatures by the resumable upload, then the action with the record
      const evidence = ownRecord ? await uploadRecord(ownRecord, recordUploads.current) : undefined;
      await api.post(`/api/tasks/${id}/complete`, {
        requestId: rid.current,
        action: action.id,
        data,
        evidence,
        comment: comment || undefined,
        returnTo,
      });
      clearTimeout(serverSave.current);
      removeLocalDraft(String(id));
      await forgetRecord(ownRecord).catch(() => {});
      message.success('已办理');
      navigate('/');
    } catch (e) {
      if (e instanceof HttpError) return setError(`照片或签名上传失败：${e.message}（已填写的内容不会丢失）`);
      if (!(e instanceof ApiError)) return setError('网络异常，请重试（已填写的内容不会丢失）');
      if (e.status === 409) {
        Modal.info({ title: '任务已被处理', content: e.title, onOk: () => navigate('/') });
        return;
      }
      // the rule's own words (e.g. 票数合计不能超过参会人数) beside the actions and next to each field
      const own = e.errors.filter(
        (x) =>
          x.path &&
          !['comment', 'action', 'returnTo', 'requestId'].includes(x.path) &&
          !x.path.startsWith('data.__'),
      );
      const onComment = e.errors.find((x) => x.path === 'comment');
      if (onComment) setCommentError(onComment.message);
      setError([e.title, ...e.errors.filter((x) => !own.includes(x)).map((x) => x.message)].join('；'));
      form.current?.showErrors(own.map((x) => ({ ...x, path: x.path.replace(/^data\./, '') })));
      rid.current = requestId();
    } finally {
      setBusy(undefined);
    }
  };
  const saveDraft = async () => {
    const data = form.current?.data() ?? {};
    writeLocalDraft(String(id), { ...readLocalDraft(String(id)), data, savedAt: Date.now() });
    try {
      await api.post(`/api/tasks/${id}/draft`, { data });
      message.success('草稿已保存');
    } catch {
      message.warning('网络异常：草稿已暂存在本机，恢复网络后请再保存');
    }
  };
  const doHandover = async () => {
    if (!target || !handover) return;
    try {
      await api.post(`/api/tasks/${id}/${handover}`, {
        requestId: requestId(),
        to: target,
        position: 'after',
      });
      message.success('已处理');
      setHandover(undefined);
      navigate('/');
    } catch (e) {
      message.error(e instanceof ApiError ? e.title : '操作失败');
    }
  };

  const signers = t.task.signers ?? [];
  const docs = t.evidence?.documents ?? [];
  const objections = t.evidence?.objections ?? [];
  const evidenceTabs = (
    <Tabs
      size="small"
      items={docs.map((d) => ({
        key: d.key,
        label: DOC_SHORT[d.formKey] ?? d.title,
        children: (
          <div className="zx-evidence" data-doc={d.key}>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {d.title} · {d.stepTitle}
              {d.signedBy ? ` · ${d.signedBy.name} ${fmt(d.signedBy.at)}` : ''} ·{' '}
              <Link to={`/cases/${t.case.id}/print/${d.key}`}>打印视图</Link>
            </Typography.Text>
            {d.form ? (
              <DocumentView formKey={d.key} schema={d.form.schema} uiSchema={d.form.uiSchema} data={d.data} />
            ) : (
              <pre>{JSON.stringify(d.data, null, 2)}</pre>
            )}
          </div>
        ),
      }))}
    />
  );
  const work = (
    <>
      {t.form?.document && (
        <Card
          title={`${t.form.document.title.zh}（第 ${t.form.version} 版）`}
          styles={{ body: { padding: phone ? 12 : 24 } }}
        >
          <div
            onInputCapture={() => (touched.current = true)}
            onClickCapture={() => (touched.current = true)}
            onKeyDownCapture={() => (touched.current = true)}
          >
            <FormView
              ref={form}
              doc={t.form.document}
              initial={t.initialData ?? t.task.draft ?? t.data}
              permissions={t.fieldPermissions}
              stage={t.form.stage}
              readonly={!open}
              onChange={open ? (data) => touched.current && keepDraft({ data }) : undefined}
            />
          </div>
          {draftState && (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {draftState}
            </Typography.Text>
          )}
        </Card>
      )}
      {open && t.ownRecord?.form && (
        <Card title="入户核实记录（本人）" styles={{ body: { padding: phone ? 12 : 24 } }}>
          <RecordEditor ref={record} doc={t.ownRecord.form} mine={t.ownRecord.data} />
        </Card>
      )}
      {open && (
        <Card title="办理意见" styles={{ body: { padding: phone ? 12 : 24 } }}>
          {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} role="alert" />}
          <Input.TextArea
            aria-label="办理意见"
            rows={3}
            value={comment}
            status={commentError ? 'error' : undefined}
            onChange={(e) => {
              setComment(e.target.value);
              setCommentError(undefined);
              keepDraft({ comment: e.target.value });
            }}
            placeholder="请填写意见（退回、不同意时必填）"
            maxLength={1000}
            showCount
          />
          {commentError && (
            <div role="alert" className="zx-comment-error" style={{ color: '#ff4d4f', marginTop: 4 }}>
              {commentError}
            </div>
          )}
          {t.returnTargets.length > 0 && (
            <Select
              aria-label="退回到"
              allowClear
              style={{ width: 240, marginTop: 12 }}
              placeholder="退回到…"
              value={returnTo}
              onChange={setReturnTo}
              options={t.returnTargets.map((r) => ({ value: r.id, label: r.title }))}
            />
          )}
          <Space wrap style={{ marginTop: 16 }}>
            {t.actions.map((a) => (
              <Button
                key={a.id}
                type={a.kind === 'approve' || a.kind === 'submit' ? 'primary' : 'default'}
                danger={a.kind === 'reject'}
                loading={busy === a.id}
                onClick={() => void act(a)}
              >
                {a.label.zh}
              </Button>
            ))}
            {t.form && <Button onClick={saveDraft}>保存草稿</Button>}
            <Button onClick={() => setHandover('transfer')}>转办</Button>
            <Button onClick={() => setHandover('delegate')}>委派</Button>
            <Button onClick={() => setHandover('add-signer')}>加签</Button>
          </Space>
        </Card>
      )}
    </>
  );
  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <Card
        title={
          <span>
            {t.task.stepTitle} <Tag color="red">{PROCESS[t.case.processKey] ?? t.case.processKey}</Tag>
          </span>
        }
        extra={<Link to={`/cases/${t.case.id}`}>查看案件</Link>}
      >
        <Descriptions size="small" column={{ xs: 1, sm: 2, md: 3 }}>
          <Descriptions.Item label="案件">{t.case.title}</Descriptions.Item>
          <Descriptions.Item label="编号">{t.case.id}</Descriptions.Item>
          <Descriptions.Item label="到达时间">{fmt(t.task.createdAt)}</Descriptions.Item>
          {t.task.dueAt && <Descriptions.Item label="办理期限">{fmt(t.task.dueAt)}</Descriptions.Item>}
          {t.task.minSigners > 1 && (
            <Descriptions.Item label="会签进度">
              {signers.length} / {t.task.minSigners} 人（{signers.map((s) => s.name).join('、') || '尚无'}）
            </Descriptions.Item>
          )}
        </Descriptions>
        {t.returnedComment && <Alert type="warning" message={t.returnedComment} />}
        {t.incomeHint && <IncomeHintAlert hint={t.incomeHint} />}
        {t.restoredDraft && (
          <Alert type="info" showIcon style={{ marginTop: 8 }} message="已恢复上次未提交的填写内容" />
        )}
      </Card>
      {t.history?.length > 0 && (
        <Card size="small" title="前序意见">
          {t.history.map((h) => (
            <div key={h.at + h.actor_name}>
              <Typography.Text type="secondary">{h.step_title}</Typography.Text>{' '}
              <Typography.Text strong>{h.actor_name}</Typography.Text> {ACTION_ZH[h.action] ?? h.action}：
              {h.comment ?? '—'} <Typography.Text type="secondary">{fmt(h.at)}</Typography.Text>
            </div>
          ))}
        </Card>
      )}
      {objections.length > 0 && (
        <Card size="small" title={`公示期间收到的异议（${objections.length} 件）`} className="zx-objections">
          {objections.map((o) => (
            <div key={o.receipt} style={{ marginBottom: 8 }}>
              <Space wrap size={4}>
                <Typography.Text type="secondary">回执号</Typography.Text>
                <Tag>{o.receipt}</Tag>
                <Typography.Text type="secondary">
                  {o.noticeTitle} · {fmt(o.filedAt)}
                </Typography.Text>
                <Tag color="orange">{OBJECTION_ZH[o.status] ?? o.status}</Tag>
              </Space>
              <div style={{ whiteSpace: 'pre-wrap' }}>{o.content}</div>
            </div>
          ))}
        </Card>
      )}
      {docs.length > 0 ? (
        <Row gutter={[16, 16]}>
          <Col xs={24} xl={10}>
            {phone ? (
              <Collapse
                items={[{ key: 'docs', label: `案件材料（${docs.length} 份）`, children: evidenceTabs }]}
              />
            ) : (
              <Card
                size="small"
                title="案件材料"
                style={{ position: 'sticky', top: 8 }}
                styles={{ body: { maxHeight: 'calc(100vh - 120px)', overflow: 'auto' } }}
              >
                {evidenceTabs}
              </Card>
            )}
          </Col>
          <Col xs={24} xl={14}>
            <Space direction="vertical" size={16} style={{ width: '100%' }}>
              {work}
            </Space>
          </Col>
        </Row>
      ) : (
        work
      )}
      <Modal
        open={!!handover}
        title={
          { transfer: '转办给', delegate: '委派给', 'add-signer': '加签（在我之后）' }[handover ?? 'transfer']
        }
        onCancel={() => setHandover(undefined)}
        onOk={doHandover}
        okText="确定"
        cancelText="取消"
      >
        <Select
          showSearch
          optionFilterProp="label"
          style={{ width: '100%' }}
          value={target}
          onChange={setTarget}
          options={people.map((p) => ({ value: p.id, label: p.name }))}
          placeholder="选择人员"
        />
      </Modal>
    </Space>
  );
}

/** 收入参考提示 the year's monitoring income threshold and the income period: a hint, never a refusal */
function IncomeHintAlert({ hint }: { hint: IncomeHint }) {
  const money = (n: unknown) =>
    typeof n === 'number' ? n.toLocaleString('zh-CN', { maximumFractionDigits: 2 }) : '—';
  const period = hint.period ? `${hint.period.from} 至 ${hint.period.to}` : '发起前12个月';
  const computed = hint.A38 !== undefined;
  return (
    <Alert
      data-testid="income-hint"
      type={computed && hint.belowThreshold ? 'warning' : 'info'}
      showIcon
      style={{ marginTop: 8 }}
      message={`收入参考：${hint.year}年监测收入基准线 ${money(hint.threshold)} 元/人（收入计算期 ${period}）`}
      description={
        computed
          ? `人均纯收入（A34）${money(hint.A34)} 元，纳入监测的人均收入参考（A38）${money(hint.A38)} 元：${
              hint.belowThreshold ? '低于基准线' : '不低于基准线'
            }。仅作参考，存在其他返贫致贫风险的仍可纳入。`
          : '入户核实后系统计算 A34、A38 并与基准线比较；仅作参考，不据此拒绝。'
      }
    />
  );
}

/** the short names staff use for the seed documents */
const DOC_SHORT: Record<string, string> = {
  application: '附件1 申请',
  collection: '附件2 采集表',
  'democratic-review': '评议记录',
  investigation: '异议调查',
  opinion: '乡镇审核',
  'identification-approval': '附件3 审批表',
  'elimination-assessment': '附件5',
  'home-verification': '入户核实',
};
const OBJECTION_ZH: Record<string, string> = {
  received: '已受理',
  investigating: '调查核实中',
  unfounded: '异议不成立',
  upheld: '异议成立',
};

const ACTION_ZH: Record<string, string> = {
  submit: '提交',
  approve: '同意',
  reject: '不同意',
  return: '退回',
  unfounded: '异议不成立',
  upheld: '异议成立',
  'delegate-reply': '委派意见',
};

/** The draft kept in this browser (survives a reload and a dropped connection), per task. */
interface LocalDraft {
  data?: Record<string, unknown>;
  comment?: string;
  savedAt?: number;
}
const draftKey = (taskId: string) => `zx-draft:${taskId}`;
function readLocalDraft(taskId: string): LocalDraft | undefined {
  try {
    const raw = localStorage.getItem(draftKey(taskId));
    return raw ? (JSON.parse(raw) as LocalDraft) : undefined;
  } catch {
    return undefined;
  }
}
function writeLocalDraft(taskId: string, draft: LocalDraft): void {
  try {
    localStorage.setItem(draftKey(taskId), JSON.stringify(draft));
  } catch {
    // storage full or disabled: the server draft still keeps it
  }
}
function removeLocalDraft(taskId: string): void {
  localStorage.removeItem(draftKey(taskId));
}
