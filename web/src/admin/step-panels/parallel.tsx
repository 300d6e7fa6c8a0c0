/** 步骤属性面板 · 并行: branches, how they join, and what follows. */
import { Button, Input, Select, Space, Typography } from 'antd';
import { type PanelProps } from './types';

export default function ParallelPanel({ step, setStep, ctx }: PanelProps<'parallel'>) {
  const { targets } = ctx;
  return (
    <>
      <label>
        汇合方式
        <Select
          style={{ width: '100%' }}
          value={step.join}
          onChange={(v) => setStep((s) => (s.join = v))}
          aria-label="汇合方式"
          options={[
            { value: 'all', label: '全部分支完成后继续（会办）' },
            { value: 'any', label: '任一分支完成即继续' },
          ]}
        />
      </label>
      {step.branches.map((b, i) => (
        <Space key={i} wrap size={4}>
          <Input
            style={{ width: 130 }}
            placeholder="分支名称"
            value={b.title?.zh ?? ''}
            aria-label={`分支${i + 1}名称`}
            onChange={(e) =>
              setStep((s) => (s.branches[i].title = { zh: e.target.value, en: e.target.value }))
            }
          />
          <Select
            style={{ width: 180 }}
            value={b.start || undefined}
            placeholder="分支第一步"
            options={targets}
            aria-label={`分支${i + 1}第一步`}
            onChange={(v) => setStep((s) => (s.branches[i].start = v))}
          />
          <Button size="small" type="text" danger onClick={() => setStep((s) => s.branches.splice(i, 1))}>
            删除
          </Button>
        </Space>
      ))}
      <Button
        size="small"
        onClick={() =>
          setStep((s) =>
            s.branches.push({
              id: `b${s.branches.length + 1}`,
              title: {
                zh: `分支${s.branches.length + 1}`,
                en: `branch ${s.branches.length + 1}`,
              },
              start: '',
            }),
          )
        }
      >
        + 添加分支
      </Button>
      <Typography.Text type="secondary">分支内各步骤以“汇合”（$join）结束</Typography.Text>
      <label>
        汇合后下一步
        <Select
          style={{ width: '100%' }}
          value={step.next || undefined}
          onChange={(v) => setStep((s) => (s.next = v))}
          options={targets}
          aria-label="汇合后下一步"
        />
      </label>
    </>
  );
}
