/** 步骤属性面板 · 自动活动: the activity and its inputs mapped field by field from its schema. */
import { App, AutoComplete, Input, Select, Space, Typography } from 'antd';
import { type PanelProps } from './types';

export default function ActivityPanel({ step, setStep, ctx }: PanelProps<'activity'>) {
  const { meta, targets, variables } = ctx;
  const { message } = App.useApp();
  return (
    <>
      <label>
        活动
        <Select
          style={{ width: '100%' }}
          value={step.activity}
          onChange={(v) => setStep((s) => (s.activity = v))}
          options={meta.activities.map((a) => ({ value: a.name, label: a.title.zh }))}
          aria-label="活动"
        />
      </label>
      {(() => {
        // the activity's input, field by field from its schema: a case value (path) or JSON Logic
        const schema = meta.activities.find((a) => a.name === step.activity)?.inputSchema;
        const props = Object.entries(schema?.properties ?? {});
        if (!props.length) return null;
        const required: string[] = schema?.required ?? [];
        return (
          <Space direction="vertical" size={4} style={{ width: '100%' }}>
            <Typography.Text type="secondary">输入（按活动的输入定义逐项映射）</Typography.Text>
            {props.map(([k, p]) => {
              const cur = step.input?.[k];
              const varPath =
                cur && typeof cur === 'object' && Object.keys(cur).length === 1 && 'var' in cur
                  ? (cur as { var: unknown }).var
                  : undefined;
              const isVar = typeof varPath === 'string';
              return (
                <label key={k}>
                  {required.includes(k) ? <span style={{ color: '#ff4d4f' }}>* </span> : null}
                  {p.title ?? k}（{k}）
                  {cur === undefined || isVar ? (
                    <AutoComplete
                      style={{ width: '100%' }}
                      aria-label={`输入 ${k}`}
                      value={isVar ? varPath : ''}
                      placeholder="取值路径，如 data.collection.A38 或 case.org.id"
                      options={[...variables, 'case.org.id', 'case.subject.id', 'case.subject.name'].map(
                        (v) => ({ value: v }),
                      )}
                      filterOption={(input, o) => String(o?.value ?? '').includes(input)}
                      onChange={(v) =>
                        setStep((s) => {
                          s.input = { ...(s.input ?? {}) };
                          if (v) s.input[k] = { var: v };
                          else delete s.input[k];
                        })
                      }
                    />
                  ) : (
                    <Input.TextArea
                      rows={2}
                      defaultValue={JSON.stringify(cur)}
                      key={`${step.id}-${k}`}
                      aria-label={`输入 ${k}（JSON Logic）`}
                      onBlur={(e) => {
                        try {
                          const v = JSON.parse(e.target.value);
                          setStep((s) => {
                            s.input = { ...(s.input ?? {}), [k]: v };
                          });
                        } catch {
                          message.error(`“${k}”不是合法 JSON`);
                        }
                      }}
                    />
                  )}
                </label>
              );
            })}
          </Space>
        );
      })()}
      <details>
        <summary>全部输入（JSON Logic）</summary>
        <Input.TextArea
          rows={5}
          defaultValue={JSON.stringify(step.input, null, 1)}
          key={`${step.id}-${JSON.stringify(step.input).length}`}
          onBlur={(e) => {
            try {
              const v = JSON.parse(e.target.value);
              setStep((s) => (s.input = v));
            } catch {
              message.error('输入映射不是合法 JSON');
            }
          }}
          aria-label="输入映射"
        />
      </details>
      <label>
        下一步
        <Select
          style={{ width: '100%' }}
          value={step.next || undefined}
          onChange={(v) => setStep((s) => (s.next = v))}
          options={targets}
          aria-label="下一步"
        />
      </label>
    </>
  );
}
