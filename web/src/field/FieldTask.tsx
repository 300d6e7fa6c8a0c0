/**
 * 入户核实 one task offline: 附件2 (the shared document, with the one form renderer FormView), the verifier's
 * own 入户核实记录 (the home-verification form for its text fields; photos with time and location, the
 * verifier's and the household head's signatures captured here), and what the other verifier already
 * submitted (read-only). 核实完成 queues the action with its own requestId; the sync sends it.
 */
import { useEffect, useRef, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { Alert, App, Button, Card, Collapse, Result, Space, Spin, Typography } from 'antd';
import { FormView, type FormViewHandle } from '../FormView';
import { DocumentView } from '../DocumentView';
import { useField } from './context';
import { get, put, remove } from './store';
import { enqueue } from './sync';
import { RecordEditor, type RecordEditorHandle } from './RecordEditor';
import type { EvidenceDraft, FieldTask } from './types';

interface Draft {
  data?: Record<string, unknown>;
  evidence?: EvidenceDraft;
}

export default function FieldTaskPage() {
  const { id } = useParams();
  const { bundle, queue, refresh, sync, online, sent } = useField();
  const t = bundle?.tasks.find((x) => x.task.id === id);
  const [draft, setDraft] = useState<Draft>();
  useEffect(() => {
    if (id) void get<Draft>('kv', `draft:${id}`).then((d) => setDraft(d ?? {}));
  }, [id]);
  if (!bundle) return <Spin style={{ display: 'block', margin: 48 }} />;
  if (!t)
    return (
      <Result
        status="warning"
        title="本机没有这项任务"
        subTitle="请回到今日任务重新下载"
        extra={<Link to="/field">今日任务</Link>}
      />
    );
  if (!draft) return <Spin style={{ display: 'block', margin: 48 }} />;
  const inQueue = queue.find(([, q]) => q.taskId === t.task.id);
  return (
    <TaskForm
      key={t.task.id + t.version}
      t={t}
      draft={draft}
      queued={Boolean(inQueue)}
      sentAt={sent[t.task.id]}
      online={online}
      after={async () => {
        await refresh();
        void sync();
      }}
    />
  );
}

function TaskForm({
  t,
  draft,
  queued,
  sentAt,
  online,
  after,
}: {
  t: FieldTask;
  draft: Draft;
  queued: boolean;
  sentAt?: string;
  online: boolean;
  after: () => Promise<void>;
}) {
  const { message } = App.useApp();
  const navigate = useNavigate();
  const form = useRef<FormViewHandle>(null);
  const record = useRef<RecordEditorHandle>(null);
  const evDoc = t.evidenceDoc;
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const saveTimer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const latest = useRef<Draft>(draft);
  const submit = t.actions.find((a) => a.kind === 'submit' || a.kind === 'approve');

  /** every change is kept at once in the encrypted store (a dead battery loses nothing) */
  const keep = (patch: Draft) => {
    latest.current = { ...latest.current, ...patch };
    clearTimeout(saveTimer.current);
    saveTimer.current = setTimeout(() => void put('kv', `draft:${t.task.id}`, latest.current), 300);
  };
  useEffect(() => () => clearTimeout(saveTimer.current), []);
  const done = async () => {
    setError(undefined);
    if (!submit) return;
    const data = t.form?.document ? form.current?.check() : undefined;
    if (t.form?.document && !data) {
      setError('附件2有需要修改的地方：请按表单上方的提示逐项修改（已填写的内容都还在）');
      return;
    }
    let evidence: EvidenceDraft | undefined;
    if (evDoc) {
      evidence = record.current?.check();
      if (!evidence) {
        setError('入户核实记录有需要补充的地方：请按提示补充（照片、签名和已填写的内容都还在）');
        return;
      }
    }
    setBusy(true);
    try {
      await enqueue({
        // the person acts now: this requestId is made now and travels with the action until the server confirms it
        requestId: crypto.randomUUID(),
        taskId: t.task.id,
        caseTitle: t.case.subjectName ? `${t.case.subjectName} · ${t.task.stepTitle}` : t.case.title,
        action: submit.id,
        actionLabel: submit.label.zh,
        data,
        evidence,
        baseVersion: t.version,
        createdAt: new Date().toISOString(),
        uploads: {},
        state: 'pending',
      });
      clearTimeout(saveTimer.current);
      await remove('kv', `draft:${t.task.id}`);
      message.success(online ? '已保存，正在同步' : '已保存在本机，联网后自动同步');
      await after();
      navigate('/field');
    } finally {
      setBusy(false);
    }
  };

  const others = t.others ?? [];
  return (
    <div style={{ padding: 12, maxWidth: 880, width: '100%', margin: '0 auto' }}>
      <Space direction="vertical" size={12} style={{ width: '100%' }}>
        <div>
          <Typography.Title level={5} style={{ margin: 0 }}>
            {t.case.subjectName ?? t.case.title}
          </Typography.Title>
          <Typography.Text type="secondary">
            {t.task.stepTitle} · {t.case.title}
          </Typography.Text>
        </div>
        {sentAt && (
          <Alert
            type="success"
            showIcon
            message={`已提交，服务器已确认（${new Date(sentAt).toLocaleString('zh-CN', { hour12: false })}）`}
          />
        )}
        {queued && (
          <Alert type="info" showIcon message="这项任务已有一次提交在“待同步”中，同步确认后即完成。" />
        )}
        {others.length > 0 && (
          <Card size="small" title={`其他核实人员已提交（${others.length}）`} data-testid="others">
            <Collapse
              size="small"
              items={others.map((o) => ({
                key: o.userId,
                label: `${o.name ?? o.userId}${o.submittedAt ? ` · ${new Date(o.submittedAt).toLocaleString('zh-CN', { hour12: false })}` : ''}`,
                children: evDoc ? (
                  <DocumentView
                    formKey={evDoc.key}
                    schema={evDoc.schema}
                    uiSchema={evDoc.uiSchema}
                    data={o.record}
                  />
                ) : (
                  <pre style={{ whiteSpace: 'pre-wrap' }}>{JSON.stringify(o.record, null, 1)}</pre>
                ),
              }))}
            />
          </Card>
        )}
        {t.form?.document && (
          <Card size="small" title={t.form.document.title?.zh ?? '附件2'}>
            <FormView
              ref={form}
              doc={t.form.document}
              initial={draft.data ?? t.initialData}
              permissions={t.fieldPermissions}
              stage={t.form.stage}
              onChange={(data) => keep({ data })}
            />
          </Card>
        )}
        {evDoc && (
          <Card size="small" title="入户核实记录（本人）" data-testid="my-record">
            <RecordEditor
              ref={record}
              doc={evDoc}
              draft={draft.evidence}
              mine={t.mine}
              onChange={(evidence) => keep({ evidence })}
            />
          </Card>
        )}
        {error && <Alert type="error" showIcon message={error} role="alert" />}
        {submit && (
          <Button
            type="primary"
            size="large"
            block
            loading={busy}
            disabled={queued || Boolean(sentAt)}
            onClick={() => void done()}
          >
            {submit.label.zh}
          </Button>
        )}
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          填写内容随时加密保存在本机；提交后进入“待同步”，服务器确认后才从本机删除。
        </Typography.Text>
      </Space>
    </div>
  );
}
