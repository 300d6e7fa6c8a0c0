/** 发起 start a case: choose the procedure, the village and the household, then fill the first form. */
import { useEffect, useRef, useState } from 'react';
import { Alert, Form, Modal, Select, Spin } from 'antd';
import { api, ApiError, requestId } from '../api';
import { useSession } from '../session';
import { FormView, type FormViewHandle } from '../FormView';

export function StartCase({ open, onClose, onStarted }: { open: boolean; onClose: () => void; onStarted: (caseId: string) => void }) {
  const { me } = useSession();
  const [processes, setProcesses] = useState<{ key: string; title: { zh: string }; subject: string; starters?: string[] }[]>([]);
  const [orgs, setOrgs] = useState<{ id: string; name: string; level: string }[]>([]);
  const [households, setHouseholds] = useState<{ id: string; head_name: string }[]>([]);
  const [process, setProcess] = useState<string>();
  const [org, setOrg] = useState<string>();
  const [subject, setSubject] = useState<string>();
  const [doc, setDoc] = useState<any>();
  const [prefill, setPrefill] = useState<Record<string, unknown>>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const form = useRef<FormViewHandle>(null);
  const rid = useRef(requestId());
  const myRoles = new Set(me?.roles.map((r) => r.role));
  const myOrgs = new Set(me?.roles.map((r) => r.org?.id));

  useEffect(() => {
    if (!open) return;
    api.get('/api/processes').then((r) => setProcesses(r.items.filter((p: any) => !p.starters || p.starters.some((s: string) => myRoles.has(s)))));
    api.get('/api/orgs').then((r) => {
      const villages = r.items.filter((o: any) => o.level === 'village' && myOrgs.has(o.id));
      setOrgs(villages);
      // a cadre of one village does not have to pick it
      if (villages.length === 1) setOrg((o: string | undefined) => o ?? villages[0].id);
    });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open]);
  useEffect(() => {
    if (org) api.get(`/api/households?org=${org}`).then((r) => setHouseholds(r.items));
  }, [org]);
  useEffect(() => {
    setDoc(undefined);
    if (!process) return;
    const first = process === 'identification' ? 'application' : process === 'elimination' ? 'collection' : process.startsWith('project') ? 'project' : undefined;
    if (first) api.get(`/api/forms/${first}`).then((r) => setDoc(r.latest));
  }, [process]);
  useEffect(() => {
    setPrefill(undefined);
    if (subject && doc?.key === 'application') api.get(`/api/households/${subject}/prefill`).then((r) => setPrefill(r.application)).catch(() => setPrefill({}));
  }, [subject, doc]);
  const needsHousehold = processes.find((p) => p.key === process)?.subject === 'household';

  const submit = async () => {
    setError(undefined);
    if (!process || !org || (needsHousehold && !subject)) return setError('请选择流程、村和农户');
    const data = doc ? form.current?.check() : {};
    if (doc && !data) return;
    setBusy(true);
    try {
      const c = await api.post('/api/cases', { process, org, subject: subject ? { id: subject } : undefined, data, requestId: rid.current });
      rid.current = requestId();
      onStarted(c.id);
    } catch (e) {
      if (e instanceof ApiError) {
        // the server answered: a corrected form is a new request (a network error keeps the id, so a retry is the same request)
        if (e.status < 500) rid.current = requestId();
        setError(e.title);
        form.current?.showErrors(e.errors);
      } else setError('网络异常，请重试');
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal open={open} onCancel={onClose} onOk={submit} okText="提交" cancelText="取消" confirmLoading={busy} title="发起办理" width={820} destroyOnHidden>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} role="alert" />}
      <Form layout="vertical">
        <Form.Item label="流程" required>
          <Select aria-label="流程" value={process} onChange={setProcess} options={processes.map((p) => ({ value: p.key, label: p.title.zh }))} placeholder="请选择要办理的事项" />
        </Form.Item>
        <Form.Item label="村（社区）" required>
          <Select aria-label="村" value={org} onChange={(v) => { setOrg(v); setSubject(undefined); }} options={orgs.map((o) => ({ value: o.id, label: o.name }))} placeholder="请选择村" />
        </Form.Item>
        {needsHousehold && (
          <Form.Item label="农户" required>
            <Select aria-label="农户" showSearch optionFilterProp="label" value={subject} onChange={setSubject} options={households.map((h) => ({ value: h.id, label: `${h.head_name}（${h.id}）` }))} placeholder="请选择农户" />
          </Form.Item>
        )}
      </Form>
      {process && !doc && <Spin />}
      {doc && (!needsHousehold || !subject || prefill) && <FormView ref={form} doc={doc} key={`${doc.key}-${subject ?? ''}`} initial={prefill} />}
    </Modal>
  );
}
