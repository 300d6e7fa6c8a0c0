/** 办理 one task: the step's form from the pinned version, the allowed actions, comments, draft, hand-over. */
import { useEffect, useRef, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { Alert, App, Button, Card, Descriptions, Input, Modal, Result, Select, Space, Spin, Tag, Typography } from 'antd';
import { api, ApiError, requestId } from '../api';
import { FormView, type FormViewHandle } from '../FormView';
import { fmt, PROCESS } from '../labels';

export default function TaskPage() {
  const { id } = useParams();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [t, setT] = useState<any>();
  const [error, setError] = useState<string>();
  const [comment, setComment] = useState('');
  const [returnTo, setReturnTo] = useState<string>();
  const [busy, setBusy] = useState<string>();
  const [handover, setHandover] = useState<'transfer' | 'delegate' | 'add-signer'>();
  const [people, setPeople] = useState<{ id: string; name: string }[]>([]);
  const [target, setTarget] = useState<string>();
  const form = useRef<FormViewHandle>(null);
  const rid = useRef(requestId());

  useEffect(() => {
    api.get(`/api/tasks/${id}`).then(setT).catch((e) => setError(e instanceof ApiError ? e.title : '加载失败'));
  }, [id]);
  useEffect(() => {
    if (handover) api.get('/api/users').then((r) => setPeople(Object.values(Object.fromEntries(r.items.map((u: any) => [u.id, u]))) as any));
  }, [handover]);

  if (error) return <Result status="warning" title={error} extra={<Link to="/">返回待办</Link>} />;
  if (!t) return <Spin style={{ display: 'block', margin: 48 }} />;
  const open = t.task.status === 'open' && t.actions.length > 0;

  const act = async (action: any) => {
    setError(undefined);
    if (action.commentRequired && !comment.trim()) return setError(`“${action.label.zh}”需要填写意见`);
    if (action.kind === 'return' && !returnTo) return setError('请选择退回到哪个环节');
    const withForm = t.form && (action.kind === 'submit' || action.kind === 'approve') && action.requiresForm !== false;
    const data = withForm ? form.current?.check() : undefined;
    if (withForm && !data) return setError('表单有需要修改的地方，请查看标红的字段');
    setBusy(action.id);
    try {
      await api.post(`/api/tasks/${id}/complete`, { requestId: rid.current, action: action.id, data, comment: comment || undefined, returnTo });
      message.success('已办理');
      navigate('/');
    } catch (e) {
      if (!(e instanceof ApiError)) return setError('网络异常，请重试（已填写的内容不会丢失）');
      if (e.status === 409) {
        Modal.info({ title: '任务已被处理', content: e.title, onOk: () => navigate('/') });
        return;
      }
      setError(e.title);
      form.current?.showErrors(e.errors.filter((x) => x.path && !['comment', 'action', 'returnTo'].includes(x.path)));
      rid.current = requestId();
    } finally {
      setBusy(undefined);
    }
  };
  const saveDraft = async () => {
    await api.post(`/api/tasks/${id}/draft`, { data: form.current?.data() ?? {} });
    message.success('草稿已保存');
  };
  const doHandover = async () => {
    if (!target || !handover) return;
    try {
      await api.post(`/api/tasks/${id}/${handover}`, { requestId: requestId(), to: target, position: 'after' });
      message.success('已处理');
      setHandover(undefined);
      navigate('/');
    } catch (e) {
      message.error(e instanceof ApiError ? e.title : '操作失败');
    }
  };

  const signers = (t.task.signers ?? []) as { name: string; action: string; comment?: string; at: number }[];
  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <Card title={<span>{t.task.stepTitle} <Tag color="red">{PROCESS[t.case.processKey] ?? t.case.processKey}</Tag></span>} extra={<Link to={`/cases/${t.case.id}`}>查看案件</Link>}>
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
      </Card>
      {t.history?.length > 0 && (
        <Card size="small" title="前序意见">
          {t.history.map((h: any) => (
            <div key={h.at + h.actor_name}>
              <Typography.Text type="secondary">{h.step_title}</Typography.Text> <Typography.Text strong>{h.actor_name}</Typography.Text> {ACTION_ZH[h.action] ?? h.action}：{h.comment ?? '—'}{' '}
              <Typography.Text type="secondary">{fmt(h.at)}</Typography.Text>
            </div>
          ))}
        </Card>
      )}
      {t.form?.document && (
        <Card title={`${t.form.document.title.zh}（第 ${t.form.version} 版）`}>
          <FormView ref={form} doc={t.form.document} initial={t.initialData ?? t.task.draft ?? t.data} permissions={t.fieldPermissions} stage={t.form.stage} readonly={!open} />
        </Card>
      )}
      {open && (
        <Card title="办理意见">
          {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} role="alert" />}
          <Input.TextArea aria-label="办理意见" rows={3} value={comment} onChange={(e) => setComment(e.target.value)} placeholder="请填写意见（退回、不同意时必填）" maxLength={1000} showCount />
          {t.returnTargets.length > 0 && (
            <Select aria-label="退回到" allowClear style={{ width: 240, marginTop: 12 }} placeholder="退回到…" value={returnTo} onChange={setReturnTo}
              options={t.returnTargets.map((r: any) => ({ value: r.id, label: r.title }))} />
          )}
          <Space wrap style={{ marginTop: 16 }}>
            {t.actions.map((a: any) => (
              <Button key={a.id} type={a.kind === 'approve' || a.kind === 'submit' ? 'primary' : 'default'} danger={a.kind === 'reject'} loading={busy === a.id} onClick={() => void act(a)}>
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
      <Modal open={!!handover} title={{ transfer: '转办给', delegate: '委派给', 'add-signer': '加签（在我之后）' }[handover ?? 'transfer']} onCancel={() => setHandover(undefined)} onOk={doHandover} okText="确定" cancelText="取消">
        <Select showSearch optionFilterProp="label" style={{ width: '100%' }} value={target} onChange={setTarget} options={people.map((p) => ({ value: p.id, label: p.name }))} placeholder="选择人员" />
      </Modal>
    </Space>
  );
}

const ACTION_ZH: Record<string, string> = {
  submit: '提交', approve: '同意', reject: '不同意', return: '退回', unfounded: '异议不成立', upheld: '异议成立', 'delegate-reply': '委派意见',
};
