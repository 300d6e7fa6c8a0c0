/** 步骤属性面板 · 条件分支: conditions built without JSON, and where each leads. */
import { Button, Select } from 'antd';
import { type PanelProps } from './types';
import { ConditionBuilder } from '../ConditionBuilder';

export default function DecisionPanel({ step, setStep, ctx }: PanelProps<'decision'>) {
  const { targets, variables, params } = ctx;
  return (
    <>
      {step.branches.map((b, i) => (
        <div key={i}>
          <ConditionBuilder
            key={`${step.id}-${i}`}
            label={`条件${i + 1}`}
            value={b.when}
            variables={variables}
            params={params}
            onChange={(v) => setStep((s) => (s.branches[i].when = v))}
          />
          <Select
            style={{ width: '100%' }}
            value={b.next || undefined}
            onChange={(v) => setStep((s) => (s.branches[i].next = v))}
            options={targets}
            aria-label={`条件${i + 1}成立时`}
          />
        </div>
      ))}
      <Button
        size="small"
        onClick={() =>
          setStep((s) =>
            s.branches.push({
              when: { '==': [{ var: variables[0] ?? 'data.' }, ''] },
              next: '',
            }),
          )
        }
      >
        + 添加分支
      </Button>
      <label>
        否则
        <Select
          style={{ width: '100%' }}
          value={step.otherwise || undefined}
          onChange={(v) => setStep((s) => (s.otherwise = v))}
          options={targets}
          aria-label="否则"
        />
      </label>
    </>
  );
}
