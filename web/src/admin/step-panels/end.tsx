/** 步骤属性面板 · 结束: the outcome. */
import { Select } from 'antd';
import { type PanelProps } from './types';

export default function EndPanel({ step, setStep }: PanelProps<'end'>) {
  return (
    <>
      <label>
        结果
        <Select
          style={{ width: '100%' }}
          value={step.outcome}
          onChange={(v) => setStep((s) => (s.outcome = v))}
          aria-label="结果"
          options={[
            { value: 'approved', label: '通过' },
            { value: 'rejected', label: '不通过' },
            { value: 'refused', label: '不予办理' },
            { value: 'completed', label: '完成' },
          ]}
        />
      </label>
    </>
  );
}
