export const STATUS: Record<string, { text: string; color: string }> = {
  running: { text: '办理中', color: 'processing' },
  approved: { text: '已通过', color: 'success' },
  rejected: { text: '未通过', color: 'error' },
  refused: { text: '不予办理', color: 'warning' },
  withdrawn: { text: '已撤回', color: 'default' },
  cancelled: { text: '已终止', color: 'default' },
  completed: { text: '已完成', color: 'success' },
  open: { text: '待办', color: 'processing' },
  cancelled_task: { text: '已取消', color: 'default' },
};
export const PROCESS: Record<string, string> = {
  identification: '监测对象识别',
  elimination: '风险消除',
  'project-library': '项目入库',
};
export const MONITORING: Record<string, string> = {
  none: '未纳入',
  monitored: '监测中',
  eliminated: '风险已消除',
  warning: '预警',
};
export const MONITOR_TYPE: Record<string, string> = {
  '1': '脱贫不稳定户',
  '2': '边缘易致贫户',
  '3': '突发严重困难户',
};
export const fmt = (d?: string | null) => (d ? new Date(d).toLocaleString('zh-CN', { hour12: false }) : '—');
export const fmtDate = (d?: string | null) => (d ? new Date(d).toLocaleDateString('zh-CN') : '—');
