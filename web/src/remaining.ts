/** 剩余时间 what is left of a notice window, never rounded up: 2 天 5 小时, 7 小时, 不足1小时. */
const HOUR = 3_600_000;

export function remaining(closesAt: string | Date, now = Date.now()): string {
  const ms = new Date(closesAt).getTime() - now;
  if (ms <= 0) return '即将结束';
  const days = Math.floor(ms / (24 * HOUR));
  const hours = Math.floor((ms % (24 * HOUR)) / HOUR);
  if (days > 0) return hours > 0 ? `${days} 天 ${hours} 小时` : `${days} 天`;
  return hours > 0 ? `${hours} 小时` : '不足1小时';
}
