/** 发起 start a case: choose the procedure, the village and the household, then fill the first form. */
import { useEffect, useRef, useState } from 'react';
import { Link } from 'react-router-dom';
import { Alert, Form, Modal, Select, Space, Spin, Tag } from 'antd';
import {
  api,
  ApiError,
  requestId,
  type FormVersions,
  type Items,
  type OrgNode,
  type ProcessSummary,
  type StartedCase,
} from '../api';
import type { FormDocument } from '../../../forms/validate';
import { MONITORING } from '../labels';
import { useSession } from '../session';
import { FormView, type FormViewHandle } from '../FormView';

/** a household to pick (GET /api/households) */
interface HouseholdOption {
  id: string;
  head_name: string;
  monitoring_status: string;
  active_case_id?: string | null;
}
/** 发起前检查 GET /api/households/:id/start-check */
interface StartCheck {
  allowed: boolean;
  message?: string;
  openCaseId?: string | null;
}
/** GET /api/households/:id/prefill: 附件1 from the record, 附件2 from the latest approved one */
interface HouseholdPrefill {
  application?: Record<string, unknown>;
  collection?: Record<string, unknown>;
}

export function StartCase({
  open,
  onClose,
  onStarted,
  preset,
}: {
  open: boolean;
  onClose: () => void;
  onStarted: (caseId: string) => void;
  /** started from a household's page or a sweep register row: the procedure, village and household chosen already */
  preset?: { process?: string; org?: string; subject?: string; data?: Record<string, unknown> };
}) {
  const { me } = useSession();
  const [processes, setProcesses] = useState<ProcessSummary[]>([]);
  const [orgs, setOrgs] = useState<{ id: string; name: string; level: string }[]>([]);
  const [households, setHouseholds] = useState<HouseholdOption[]>([]);
  const [search, setSearch] = useState(preset?.subject ?? '');
  /** 发起前检查 whether the procedure applies to the household, asked before any form is shown */
  const [check, setCheck] = useState<StartCheck>();
  const [process, setProcess] = useState<string | undefined>(preset?.process);
  const [org, setOrg] = useState<string | undefined>(preset?.org);
  const [subject, setSubject] = useState<string | undefined>(preset?.subject);
  const [doc, setDoc] = useState<FormDocument>();
  /** what the row that opened the dialog knows (read once: the dialog's answer must not refetch on a new object) */
  const presetData = useRef(preset?.data);
  const [prefill, setPrefill] = useState<Record<string, unknown>>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const form = useRef<FormViewHandle>(null);
  const rid = useRef(requestId());
  const myRoles = new Set(me?.roles.map((r) => r.role));
  const myOrgs = new Set(me?.roles.map((r) => r.org?.id));

  useEffect(() => {
    if (!open) return;
    api
      .get<Items<ProcessSummary>>('/api/processes')
      .then((r) =>
        setProcesses(r.items.filter((p) => !p.starters || p.starters.some((s) => myRoles.has(s)))),
      );
    api.get<Items<OrgNode>>('/api/orgs').then((r) => {
      const villages = r.items.filter((o) => o.level === 'village' && myOrgs.has(o.id));
      setOrgs(villages);
      // a cadre of one village does not have to pick it
      if (villages.length === 1) setOrg((o: string | undefined) => o ?? villages[0].id);
    });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open]);
  useEffect(() => {
    // search by name, household number, a whole ID number or its last digits (server-side)
    if (!org) return;
    const t = setTimeout(
      () =>
        api
          .get<Items<HouseholdOption>>(
            `/api/households?org=${org}${search ? `&q=${encodeURIComponent(search)}` : ''}`,
          )
          .then((r) => setHouseholds(r.items)),
      search ? 250 : 0,
    );
    return () => clearTimeout(t);
  }, [org, search]);
  useEffect(() => {
    setCheck(undefined);
    if (!subject || !process) return;
    api
      .get<StartCheck>(`/api/households/${subject}/start-check?process=${encodeURIComponent(process)}`)
      .then(setCheck)
      .catch(() => setCheck({ allowed: true }));
  }, [subject, process]);
  useEffect(() => {
    setDoc(undefined);
    if (!process) return;
    const first =
      process === 'identification'
        ? 'application'
        : process === 'elimination'
          ? 'collection'
          : process.startsWith('project')
            ? 'project'
            : undefined;
    if (first) api.get<FormVersions>(`/api/forms/${first}`).then((r) => setDoc(r.latest));
  }, [process]);
  useEffect(() => {
    setPrefill(undefined);
    // 附件1 from the household record; 附件2 (elimination) from the household's latest approved 附件2
    if (subject && (doc?.key === 'application' || doc?.key === 'collection')) {
      api
        .get<HouseholdPrefill>(`/api/households/${subject}/prefill`)
        .then((r) =>
          // what the row knows (the channel: a department warning, a sweep) over the household record
          setPrefill({
            ...(doc.key === 'application' ? r.application : r.collection),
            ...presetData.current,
          }),
        )
        .catch(() => setPrefill({}));
    } else if (subject && doc) setPrefill({});
    // no form yet: no prefill either (an empty one left here would be the form's start when the form arrives
    // after the start check, and what the row chose, e.g. the sweep channel, would be lost)
  }, [subject, doc]);
  const needsHousehold = processes.find((p) => p.key === process)?.subject === 'household';

  const submit = async () => {
    setError(undefined);
    if (!process || !org || (needsHousehold && !subject)) return setError('请选择流程、村和农户');
    if (needsHousehold && check && !check.allowed) return;
    // a procedure whose first step is not filled in here (an assessment: the contact fills 附件2 in the task) starts without data
    const data = doc ? form.current?.check() : undefined;
    if (doc && !data) return;
    setBusy(true);
    try {
      const c = await api.post<StartedCase>('/api/cases', {
        process,
        org,
        subject: subject ? { id: subject } : undefined,
        data,
        requestId: rid.current,
      });
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
    <Modal
      open={open}
      onCancel={onClose}
      onOk={submit}
      okText="提交"
      cancelText="取消"
      confirmLoading={busy}
      title="发起办理"
      width={820}
      destroyOnHidden
    >
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} role="alert" />}
      <Form layout="vertical">
        <Form.Item label="流程" required>
          <Select
            aria-label="流程"
            value={process}
            onChange={setProcess}
            options={processes.map((p) => ({ value: p.key, label: p.title.zh }))}
            placeholder="请选择要办理的事项"
          />
        </Form.Item>
        <Form.Item label="村（社区）" required>
          <Select
            aria-label="村"
            value={org}
            onChange={(v) => {
              setOrg(v);
              setSubject(undefined);
            }}
            options={orgs.map((o) => ({ value: o.id, label: o.name }))}
            placeholder="请选择村"
          />
        </Form.Item>
        {needsHousehold && (
          <Form.Item label="农户" required>
            <Select
              aria-label="农户"
              showSearch
              filterOption={false}
              onSearch={setSearch}
              value={subject}
              onChange={setSubject}
              notFoundContent={search ? '未找到，可输入姓名、户编号或身份证号（全号或后4位以上）' : undefined}
              options={households.map((h) => ({
                value: h.id,
                label: (
                  <Space size={4}>
                    {`${h.head_name}（${h.id}）`}
                    {h.monitoring_status !== 'none' && (
                      <Tag color={h.monitoring_status === 'monitored' ? 'orange' : 'default'}>
                        {MONITORING[h.monitoring_status] ?? h.monitoring_status}
                      </Tag>
                    )}
                    {h.active_case_id && <Tag color="blue">有在办案件</Tag>}
                  </Space>
                ),
              }))}
              placeholder="输入姓名、户编号或身份证号（全号或后4位）搜索"
            />
          </Form.Item>
        )}
      </Form>
      {needsHousehold && check && !check.allowed && (
        <Alert
          type="warning"
          showIcon
          role="alert"
          message="不能为该农户发起此流程"
          description={
            <span>
              {check.message}
              {check.openCaseId && (
                <>
                  {' '}
                  <Link to={`/cases/${check.openCaseId}`} onClick={onClose}>
                    查看在办案件 {check.openCaseId}
                  </Link>
                </>
              )}
            </span>
          }
        />
      )}
      {process && !doc && <Spin />}
      {doc && (!needsHousehold || !subject || (prefill && check?.allowed)) && (
        <FormView ref={form} doc={doc} key={`${doc.key}-${subject ?? ''}`} initial={prefill} />
      )}
    </Modal>
  );
}
