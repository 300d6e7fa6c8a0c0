/** 步骤属性面板 · 人工审批: who acts (role or posts), the real rule, form and stage, SLA, field permissions, actions, escalation. */
import { Button, Checkbox, Input, InputNumber, Select, Space, Typography } from 'antd';
import { LEVELS, STAGE_LABELS, type PanelProps } from './types';
import { paramValue, taskRule } from './rule';

export default function TaskPanel({ step, setStep, ctx }: PanelProps<'task'>) {
  const { meta, targets, formInfo } = ctx;
  const posts = 'posts' in step.assignee ? step.assignee.posts : undefined;
  const post = 'role' in step.assignee ? step.assignee : undefined;
  return (
    <>
      <Typography.Paragraph style={{ margin: 0 }} data-testid="step-rule">
        <Typography.Text type="secondary">办理规则：</Typography.Text>
        <Typography.Text strong>{taskRule(step, ctx)}</Typography.Text>
      </Typography.Paragraph>
      <label>
        办理人
        <Select
          style={{ width: '100%' }}
          aria-label="办理人类型"
          value={posts ? 'posts' : 'role'}
          options={[
            { value: 'role', label: '按角色' },
            { value: 'posts', label: '按岗位会签（每个岗位各签一次）' },
          ]}
          onChange={(v) =>
            setStep((s) => {
              const first = 'posts' in s.assignee ? s.assignee.posts[0] : undefined;
              const level = ('level' in s.assignee ? s.assignee.level : first?.level) ?? 'township';
              const role = ('role' in s.assignee ? s.assignee.role : first?.role) ?? meta.roles[0]?.key ?? '';
              s.assignee = v === 'posts' ? { posts: [{ role, level }] } : { role, level };
              if (v === 'posts') delete s.mode;
            })
          }
        />
      </label>
      {posts ? (
        <>
          <label>
            签署岗位
            <Select
              mode="multiple"
              style={{ width: '100%' }}
              aria-label="签署岗位"
              value={posts.map((x) => x.role)}
              onChange={(v: string[]) =>
                setStep((s) => {
                  const level =
                    ('posts' in s.assignee ? s.assignee.posts[0]?.level : undefined) ?? 'township';
                  s.assignee = { posts: v.map((role) => ({ role, level })) };
                })
              }
              options={meta.roles.map((r) => ({ value: r.key, label: r.title.zh }))}
            />
          </label>
          <label>
            所在层级
            <Select
              style={{ width: '100%' }}
              value={posts[0]?.level}
              aria-label="所在层级"
              options={LEVELS}
              onChange={(v) =>
                setStep((s) => {
                  if ('posts' in s.assignee)
                    s.assignee = { posts: s.assignee.posts.map((x) => ({ ...x, level: v })) };
                })
              }
            />
          </label>
        </>
      ) : post ? (
        <>
          <label>
            办理角色
            <Select
              style={{ width: '100%' }}
              value={post.role}
              onChange={(v) => setStep((s) => 'role' in s.assignee && (s.assignee.role = v))}
              aria-label="办理角色"
              options={meta.roles.map((r) => ({ value: r.key, label: r.title.zh }))}
            />
          </label>
          <label>
            所在层级
            <Select
              style={{ width: '100%' }}
              value={post.level}
              onChange={(v) => setStep((s) => 'level' in s.assignee && (s.assignee.level = v))}
              aria-label="所在层级"
              options={LEVELS}
            />
          </label>
          <label>
            审批方式
            <Select
              style={{ width: '100%' }}
              value={step.minDistinctActors !== undefined ? 'distinct' : (step.mode ?? 'any')}
              onChange={(v: 'any' | 'all' | 'sequential' | 'distinct') =>
                setStep((s) => {
                  if (v === 'distinct') {
                    s.minDistinctActors = s.minDistinctActors ?? 2;
                    delete s.mode;
                  } else {
                    delete s.minDistinctActors;
                    s.mode = v;
                  }
                })
              }
              aria-label="审批方式"
              options={[
                { value: 'any', label: '或签（一人办理即可）' },
                { value: 'all', label: '会签（全部人员办理）' },
                { value: 'sequential', label: '依次审批' },
                { value: 'distinct', label: '多人各自办理（至少 N 名不同人员）' },
              ]}
            />
          </label>
        </>
      ) : null}
      <label>
        至少不同人数
        <InputNumber
          min={1}
          value={typeof step.minDistinctActors === 'number' ? step.minDistinctActors : undefined}
          placeholder={
            step.minDistinctActors && typeof step.minDistinctActors === 'object'
              ? `${paramValue(ctx, step.minDistinctActors.param) ?? ''}（政策参数 ${step.minDistinctActors.param}）`
              : '1'
          }
          onChange={(v) =>
            setStep((s) => {
              if (typeof v === 'number' && v > 0) s.minDistinctActors = v;
              else delete s.minDistinctActors;
            })
          }
          aria-label="至少不同人数"
        />
      </label>
      <label>
        表单
        <Select
          allowClear
          style={{ width: '100%' }}
          value={step.form?.key}
          onChange={(v) => setStep((s) => (v ? (s.form = { key: v }) : delete s.form))}
          aria-label="表单"
          options={meta.forms.map((f) => ({ value: f, label: f }))}
        />
      </label>
      {step.form && (formInfo[step.form.key]?.stages ?? []).length > 0 && (
        <label>
          填写阶段
          <Select
            allowClear
            style={{ width: '100%' }}
            value={step.form.stage}
            placeholder="全部字段"
            aria-label="填写阶段"
            onChange={(v) => setStep((s) => (v ? (s.form!.stage = v) : delete s.form!.stage))}
            options={(formInfo[step.form.key]?.stages ?? []).map((x) => ({
              value: x,
              label: STAGE_LABELS[x] ?? x,
            }))}
          />
        </label>
      )}
      <label>
        办理时限（天）
        <InputNumber
          min={1}
          value={typeof step.sla?.days === 'number' ? step.sla.days : undefined}
          placeholder={
            step.sla && typeof step.sla.days === 'object' ? `按政策参数 ${step.sla.days.param}` : undefined
          }
          onChange={(v) =>
            setStep((s) => {
              if (typeof v === 'number' && v > 0) s.sla = { ...(s.sla ?? {}), days: v };
              else delete s.sla;
            })
          }
          aria-label="办理时限"
        />
      </label>
      {step.form && (formInfo[step.form.key]?.fields ?? []).length > 0 && (
        <details>
          <summary>字段权限（本步骤）</summary>
          <Space direction="vertical" size={2} style={{ width: '100%', maxHeight: 220, overflow: 'auto' }}>
            {(formInfo[step.form.key]?.fields ?? []).map((f) => (
              <Space key={f} size={4}>
                <Typography.Text style={{ width: 110, display: 'inline-block' }} ellipsis>
                  {f}
                </Typography.Text>
                <Select
                  size="small"
                  style={{ width: 110 }}
                  aria-label={`字段权限 ${f}`}
                  value={step.fieldPermissions?.[f] ?? 'edit'}
                  options={[
                    { value: 'edit', label: '可编辑' },
                    { value: 'readonly', label: '只读' },
                    { value: 'hidden', label: '隐藏' },
                  ]}
                  onChange={(v) =>
                    setStep((s) => {
                      const perms = { ...(s.fieldPermissions ?? {}) };
                      if (v === 'edit') delete perms[f];
                      else perms[f] = v;
                      if (Object.keys(perms).length) s.fieldPermissions = perms;
                      else delete s.fieldPermissions;
                    })
                  }
                />
              </Space>
            ))}
          </Space>
        </details>
      )}
      <Typography.Text strong>操作</Typography.Text>
      {step.actions.map((a, i) => (
        <Space key={i} wrap>
          <Input
            style={{ width: 90 }}
            value={a.label.zh}
            onChange={(e) => setStep((s) => (s.actions[i].label.zh = e.target.value))}
            aria-label={`操作${i + 1}名称`}
          />
          {a.kind === 'return' ? (
            <Select
              mode="multiple"
              style={{ width: 180 }}
              value={a.returnTargets}
              onChange={(v) => setStep((s) => (s.actions[i].returnTargets = v))}
              options={targets}
              aria-label={`操作${i + 1}退回到`}
            />
          ) : (
            <Select
              style={{ width: 180 }}
              value={a.next || undefined}
              placeholder="下一步"
              onChange={(v) => setStep((s) => (s.actions[i].next = v))}
              options={targets}
              aria-label={`操作${i + 1}下一步`}
            />
          )}
          <Checkbox
            checked={!!a.commentRequired}
            onChange={(e) =>
              setStep((s) =>
                e.target.checked
                  ? (s.actions[i].commentRequired = true)
                  : delete s.actions[i].commentRequired,
              )
            }
            aria-label={`操作${i + 1}必须填写意见`}
          >
            须填意见
          </Checkbox>
          {step.actions.length > 1 && (
            <Button size="small" type="text" danger onClick={() => setStep((s) => s.actions.splice(i, 1))}>
              删除
            </Button>
          )}
        </Space>
      ))}
      <Space wrap>
        {(
          [
            ['approve', '同意'],
            ['reject', '不同意'],
            ['return', '退回'],
            ['submit', '提交'],
          ] as const
        ).map(([kind, zh]) => (
          <Button
            key={kind}
            size="small"
            onClick={() =>
              setStep((s) => {
                let id: string = kind;
                for (let n = 2; s.actions.some((x) => x.id === id); n++) id = `${kind}${n}`;
                s.actions.push(
                  kind === 'return'
                    ? {
                        id,
                        kind,
                        label: { zh },
                        returnTargets: [],
                        commentRequired: true,
                        requiresForm: false,
                      }
                    : {
                        id,
                        kind,
                        label: { zh },
                        next: '',
                        ...(kind === 'reject' ? { commentRequired: true, requiresForm: false } : {}),
                      },
                );
              })
            }
          >
            + {zh}
          </Button>
        ))}
      </Space>
      <Typography.Text strong>超时</Typography.Text>
      <Space wrap>
        提前
        <InputNumber
          min={0}
          style={{ width: 70 }}
          value={step.sla?.remindBeforeDays}
          disabled={!step.sla}
          onChange={(v) =>
            setStep((s) => {
              if (s.sla) {
                if (v === null || v === undefined) delete s.sla.remindBeforeDays;
                else s.sla.remindBeforeDays = v;
              }
            })
          }
          aria-label="提前提醒天数"
        />
        天提醒；超时后转
        <Select
          allowClear
          style={{ width: 170 }}
          disabled={!step.sla}
          value={step.sla?.escalateTo?.role}
          placeholder="（不升级）"
          aria-label="超时升级到角色"
          options={meta.roles.map((r) => ({ value: r.key, label: r.title.zh }))}
          onChange={(v) =>
            setStep((s) => {
              if (!s.sla) return;
              if (v) s.sla.escalateTo = { role: v, level: s.sla.escalateTo?.level ?? 'township' };
              else delete s.sla.escalateTo;
            })
          }
        />
        <Select
          style={{ width: 90 }}
          disabled={!step.sla?.escalateTo}
          value={step.sla?.escalateTo?.level}
          options={LEVELS}
          aria-label="超时升级到层级"
          onChange={(v) =>
            setStep((s) => {
              if (s.sla?.escalateTo) s.sla.escalateTo.level = v;
            })
          }
        />
      </Space>
    </>
  );
}
