/**
 * 节假日安排录入 what an administrator enters for one year of the working-day calendar — date ranges
 * ("春节 2月6日–13日放假", "2月7日调休上班"), an `.ics` file, or a small CSV/JSON — read into ranges and
 * checked. Pure: no I/O. Every refusal names the line (files) or the entry (ranges) and the date, in
 * Chinese first.
 */
import { isWeekend } from '../../workflows/calendar.js';
import type { FieldError } from '../errors.js';

export type DayKind = 'holiday' | 'workday';

/** 一段安排 one period: days off (holiday) or make-up working days (workday, 调休上班) */
export interface CalendarRange {
  name: string;
  kind: DayKind;
  from: string;
  to: string;
  /** where it came from in a file (1-based line), for messages */
  line?: number;
}

export interface CalendarDays {
  holidays: string[];
  workdays: string[];
}

export type CalendarSource = 'manual' | 'ics' | 'csv' | 'json';

const DAY_MS = 86_400_000;
const WEEKDAY_ZH = ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'];
const KIND_ZH: Record<DayKind, string> = { holiday: '放假', workday: '调休上班' };
const MAX_NAME = 30;
const MAX_RANGE_DAYS = 31;

const err = (path: string, zh: string, en: string): FieldError => ({ path, message: zh, message_en: en });
/** "第3行" for a file line, "第3条" for an entered range */
const where = (r: { line?: number }, i: number) => (r.line ? `第${r.line}行` : `第${i + 1}条`);
const pathOf = (r: { line?: number }, i: number) => (r.line ? `line.${r.line}` : `ranges.${i}`);

/** "2027-02-06", "2027/2/6", "20270206" → "2027-02-06", or undefined when it is not a real date */
export function normaliseDate(raw: string): string | undefined {
  const s = raw.trim();
  const m = /^(\d{4})[-/.年]?(\d{1,2})[-/.月]?(\d{1,2})日?$/.exec(s);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d)
    return undefined;
  return date.toISOString().slice(0, 10);
}

function* daysOf(from: string, to: string): Generator<string> {
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += DAY_MS) {
    yield new Date(t).toISOString().slice(0, 10);
  }
}

/** The kind of a period from a word: 放假/休/假/holiday or 上班/班/补班/workday. */
export function kindOf(raw: string): DayKind | undefined {
  const s = raw.trim().toLowerCase();
  if (/^(holiday|off|放假|休|假|休息)$/.test(s)) return 'holiday';
  if (/^(workday|work|上班|班|补班|调休上班)$/.test(s)) return 'workday';
  return undefined;
}

/**
 * Check the ranges of one year; return the days they make, or the list of what is wrong. Rules: real
 * dates inside the year, start not after end, a name, at most a month per period, holiday periods that do
 * not overlap, make-up working days only on a Saturday or Sunday and never on a day off.
 */
export function checkRanges(
  year: number,
  ranges: CalendarRange[],
): { ok: true; days: CalendarDays } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const holidayOwner = new Map<string, number>();
  const workdayOwner = new Map<string, number>();
  if (ranges.length === 0)
    errors.push(err('ranges', `${year}年没有任何安排`, `no periods entered for ${year}`));
  ranges.forEach((r, i) => {
    const at = where(r, i);
    const path = pathOf(r, i);
    const name = (r.name ?? '').trim();
    if (!name)
      errors.push(err(`${path}.name`, `${at}：请填写名称（如 春节）`, `entry ${i + 1}: a name is required`));
    else if (name.length > MAX_NAME)
      errors.push(err(`${path}.name`, `${at}：名称不能超过${MAX_NAME}个字`, `entry ${i + 1}: name too long`));
    else if (/[\u0000-\u001f\u007f]/.test(name))
      errors.push(
        err(`${path}.name`, `${at}：名称含有控制字符`, `entry ${i + 1}: control characters in name`),
      );
    if (r.kind !== 'holiday' && r.kind !== 'workday') {
      errors.push(
        err(
          `${path}.kind`,
          `${at}：类型必须是“放假”或“调休上班”`,
          `entry ${i + 1}: kind must be holiday or workday`,
        ),
      );
      return;
    }
    const from = normaliseDate(String(r.from ?? ''));
    const to = normaliseDate(String(r.to ?? r.from ?? ''));
    if (!from)
      errors.push(
        err(
          `${path}.from`,
          `${at}：开始日期“${r.from ?? ''}”不是有效日期`,
          `entry ${i + 1}: start "${r.from ?? ''}" is not a date`,
        ),
      );
    if (!to)
      errors.push(
        err(
          `${path}.to`,
          `${at}：结束日期“${r.to ?? ''}”不是有效日期`,
          `entry ${i + 1}: end "${r.to ?? ''}" is not a date`,
        ),
      );
    if (!from || !to) return;
    for (const [d, field] of [
      [from, 'from'],
      [to, 'to'],
    ] as const) {
      if (Number(d.slice(0, 4)) !== year) {
        errors.push(
          err(`${path}.${field}`, `${at}：${d} 不在${year}年内`, `entry ${i + 1}: ${d} is outside ${year}`),
        );
        return;
      }
    }
    if (from > to) {
      errors.push(
        err(
          `${path}.to`,
          `${at}：结束日期 ${to} 早于开始日期 ${from}`,
          `entry ${i + 1}: end ${to} is before start ${from}`,
        ),
      );
      return;
    }
    if ((Date.parse(to) - Date.parse(from)) / DAY_MS + 1 > MAX_RANGE_DAYS) {
      errors.push(
        err(
          `${path}.to`,
          `${at}：一段安排不能超过${MAX_RANGE_DAYS}天（${from} 至 ${to}）`,
          `entry ${i + 1}: a period may not exceed ${MAX_RANGE_DAYS} days`,
        ),
      );
      return;
    }
    for (const d of daysOf(from, to)) {
      if (r.kind === 'holiday') {
        const other = holidayOwner.get(d);
        if (other !== undefined) {
          errors.push(
            err(
              `${path}.from`,
              `${at}与${where(ranges[other], other)}的放假日期重叠（${d}）`,
              `entry ${i + 1} overlaps entry ${other + 1} on ${d}`,
            ),
          );
          return;
        }
        holidayOwner.set(d, i);
      } else {
        const weekday = new Date(`${d}T00:00:00Z`).getUTCDay();
        if (!isWeekend(d)) {
          errors.push(
            err(
              `${path}.from`,
              `${at}：${d} 是${WEEKDAY_ZH[weekday]}，调休上班日必须是周六或周日`,
              `entry ${i + 1}: ${d} is a weekday; a make-up working day must be a Saturday or Sunday`,
            ),
          );
          return;
        }
        if (workdayOwner.has(d)) {
          errors.push(
            err(
              `${path}.from`,
              `${at}：${d} 重复录入为调休上班日`,
              `entry ${i + 1}: ${d} is entered twice as a make-up working day`,
            ),
          );
          return;
        }
        workdayOwner.set(d, i);
      }
    }
  });
  for (const [d, i] of workdayOwner) {
    const h = holidayOwner.get(d);
    if (h !== undefined) {
      errors.push(
        err(
          `${pathOf(ranges[i], i)}.from`,
          `${where(ranges[i], i)}：${d} 同时是${where(ranges[h], h)}的放假日`,
          `entry ${i + 1}: ${d} is also a day off in entry ${h + 1}`,
        ),
      );
    }
  }
  if (errors.length) return { ok: false, errors };
  return {
    ok: true,
    days: { holidays: [...holidayOwner.keys()].sort(), workdays: [...workdayOwner.keys()].sort() },
  };
}

/** The ranges of an `.ics` file (iCalendar): each VEVENT a period; 补班/上班/工作日 in its title makes it a working day. */
export function parseIcs(text: string): { ranges: CalendarRange[]; errors: FieldError[] } {
  const ranges: CalendarRange[] = [];
  const errors: FieldError[] = [];
  // unfold continuation lines (RFC 5545 3.1), remembering where each logical line began
  const lines: { no: number; text: string }[] = [];
  text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .forEach((raw, i) => {
      if (/^[ \t]/.test(raw) && lines.length) lines[lines.length - 1].text += raw.slice(1);
      else lines.push({ no: i + 1, text: raw });
    });
  if (!lines.some((l) => /^BEGIN:VCALENDAR$/i.test(l.text.trim()))) {
    errors.push(
      err(
        'file',
        '不是 iCalendar（.ics）文件：缺少 BEGIN:VCALENDAR',
        'not an iCalendar file: BEGIN:VCALENDAR is missing',
      ),
    );
    return { ranges, errors };
  }
  let ev:
    | {
        line: number;
        start?: string;
        end?: string;
        endIsDate?: boolean;
        summary?: string;
        categories?: string;
      }
    | undefined;
  for (const { no, text: l } of lines) {
    const line = l.trim();
    if (/^BEGIN:VEVENT$/i.test(line)) {
      ev = { line: no };
      continue;
    }
    if (!ev) continue;
    if (/^END:VEVENT$/i.test(line)) {
      const at = `第${ev.line}行`;
      if (!ev.start) {
        errors.push(
          err(
            `line.${ev.line}`,
            `${at}：事件缺少开始日期（DTSTART）`,
            `line ${ev.line}: the event has no DTSTART`,
          ),
        );
      } else {
        let to = ev.start;
        if (ev.end)
          to = ev.endIsDate
            ? new Date(Date.parse(`${ev.end}T00:00:00Z`) - DAY_MS).toISOString().slice(0, 10)
            : ev.end;
        if (to < ev.start) to = ev.start;
        const title = (ev.summary ?? '').trim();
        const work = /补班|上班|工作日|workday/i.test(`${title} ${ev.categories ?? ''}`);
        ranges.push({
          name: title || (work ? '调休上班' : '放假'),
          kind: work ? 'workday' : 'holiday',
          from: ev.start,
          to,
          line: ev.line,
        });
      }
      ev = undefined;
      continue;
    }
    const m = /^([A-Z-]+)((?:;[^:]*)?):(.*)$/i.exec(line);
    if (!m) continue;
    const [, prop, params, value] = m;
    const name = prop.toUpperCase();
    if (name === 'DTSTART' || name === 'DTEND') {
      const dm = /^(\d{8})(T(\d{6})Z?)?$/.exec(value.trim());
      const date = dm ? normaliseDate(dm[1]) : undefined;
      if (!date) {
        errors.push(
          err(
            `line.${no}`,
            `第${no}行：${name} 的日期“${value}”无法识别`,
            `line ${no}: ${name} "${value}" is not a date`,
          ),
        );
        continue;
      }
      if (name === 'DTSTART') ev.start = date;
      else {
        // an all-day DTEND is exclusive; a date-time ending at midnight is too
        ev.end = date;
        ev.endIsDate = /VALUE=DATE(?!-)/i.test(params) || !dm![2] || dm![3] === '000000';
      }
    } else if (name === 'SUMMARY') {
      ev.summary = value.replace(/\\([,;\\])/g, '$1').replace(/\\n/gi, ' ');
    } else if (name === 'CATEGORIES') {
      ev.categories = value;
    }
  }
  if (!ranges.length && !errors.length)
    errors.push(err('file', '文件中没有任何日程（VEVENT）', 'the file has no events'));
  return { ranges, errors };
}

/**
 * The ranges of a small CSV: name, kind, from, to (a header line is optional; the separator may be a
 * comma or a tab; kind 放假/休 or 上班/班).
 */
export function parseCsv(text: string): { ranges: CalendarRange[]; errors: FieldError[] } {
  const ranges: CalendarRange[] = [];
  const errors: FieldError[] = [];
  text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .forEach((raw, i) => {
      const no = i + 1;
      const line = raw.trim();
      if (!line || line.startsWith('#')) return;
      const cells = line.split(/[,\t，]/).map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
      if (no === 1 && !cells.some((c) => normaliseDate(c))) return; // header
      const [name, kindRaw, from, to] = cells;
      const kind = kindOf(kindRaw ?? '');
      if (!kind) {
        errors.push(
          err(
            `line.${no}`,
            `第${no}行：类型“${kindRaw ?? ''}”应为“放假”或“上班”`,
            `line ${no}: kind "${kindRaw ?? ''}" must be holiday or workday`,
          ),
        );
        return;
      }
      ranges.push({ name: name ?? '', kind, from: from ?? '', to: to || from || '', line: no });
    });
  if (!ranges.length && !errors.length)
    errors.push(err('file', '文件中没有任何安排', 'the file has no periods'));
  return { ranges, errors };
}

/** JSON: `[{name, kind, from, to}]` or `{ ranges: [...] }`. */
export function parseJson(text: string): { ranges: CalendarRange[]; errors: FieldError[] } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ranges: [], errors: [err('file', '不是合法的 JSON 文件', 'not valid JSON')] };
  }
  const list = Array.isArray(parsed) ? parsed : (parsed as { ranges?: unknown })?.ranges;
  if (!Array.isArray(list))
    return {
      ranges: [],
      errors: [
        err(
          'file',
          'JSON 应为安排列表 [{name, kind, from, to}]',
          'JSON must be a list of {name, kind, from, to}',
        ),
      ],
    };
  return {
    ranges: list.map((r) => ({
      ...(r as CalendarRange),
      kind: kindOf(String((r as CalendarRange)?.kind ?? '')) ?? (r as CalendarRange)?.kind,
    })),
    errors: [],
  };
}

/** Which days changed between two versions of a year. */
export function diffDays(before: CalendarDays | undefined, after: CalendarDays) {
  const b = { holidays: new Set(before?.holidays ?? []), workdays: new Set(before?.workdays ?? []) };
  return {
    addedHolidays: after.holidays.filter((d) => !b.holidays.has(d)),
    removedHolidays: [...b.holidays].filter((d) => !after.holidays.includes(d)).sort(),
    addedWorkdays: after.workdays.filter((d) => !b.workdays.has(d)),
    removedWorkdays: [...b.workdays].filter((d) => !after.workdays.includes(d)).sort(),
  };
}

export { KIND_ZH };
