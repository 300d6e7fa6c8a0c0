/** 步骤属性面板 · 公示: board level, days, calendar, where the window leads. */
import { InputNumber, Select } from 'antd';
import { LEVELS, type PanelProps } from './types';

export default function NoticePanel({ step, setStep, ctx }: PanelProps<'notice'>) {
  const { targets } = ctx;
  return (
    <>
      <label>
        公示层级
        <Select
          style={{ width: '100%' }}
          value={step.level}
          onChange={(v) => setStep((s) => (s.level = v))}
          options={LEVELS}
          aria-label="公示层级"
        />
      </label>
      <label>
        公示天数
        <InputNumber
          min={1}
          value={typeof step.days === 'number' ? step.days : undefined}
          placeholder={typeof step.days === 'object' ? `按政策参数 ${step.days.param}` : undefined}
          onChange={(v) => typeof v === 'number' && setStep((s) => (s.days = v))}
          aria-label="公示天数"
        />
      </label>
      <label>
        计算方式
        <Select
          style={{ width: '100%' }}
          value={typeof step.calendar === 'string' ? step.calendar : 'param'}
          onChange={(v: 'calendar' | 'working' | 'param') =>
            setStep((s) => (s.calendar = v === 'param' ? { param: 'noticeCalendar' } : v))
          }
          aria-label="计算方式"
          options={[
            { value: 'calendar', label: '自然日' },
            { value: 'working', label: '工作日' },
            { value: 'param', label: '按政策参数' },
          ]}
        />
      </label>
      <label>
        公示期满
        <Select
          style={{ width: '100%' }}
          value={step.next || undefined}
          onChange={(v) => setStep((s) => (s.next = v))}
          options={targets}
          aria-label="公示期满下一步"
        />
      </label>
      <label>
        有异议时
        <Select
          style={{ width: '100%' }}
          value={step.onObjection || undefined}
          onChange={(v) => setStep((s) => (s.onObjection = v))}
          options={targets}
          aria-label="有异议时"
        />
      </label>
    </>
  );
}
