/**
 * 条件构建器 a decision branch's condition without JSON: rows of
 * 〈变量〉〈比较〉〈值或政策参数〉, all of which must hold. Conditions it cannot
 * show as rows (written by hand in JSON Logic) stay editable as JSON.
 */
import { useMemo, useState } from 'react';
import { AutoComplete, Button, Input, Select, Space, Typography } from 'antd';

type Rhs = { kind: 'value'; value: string } | { kind: 'param'; param: string };
export interface Row {
  path: string;
  op: string;
  rhs: Rhs;
}

/** 已填写 / 未填写 test a value's presence and take no right-hand side */
const PRESENCE = ['!!', '!'];
const OPS = [
  { value: '!!', label: '已填写' },
  { value: '!', label: '未填写' },
  { value: '==', label: '等于' },
  { value: '!=', label: '不等于' },
  { value: '>', label: '大于' },
  { value: '>=', label: '不小于' },
  { value: '<', label: '小于' },
  { value: '<=', label: '不大于' },
];

/** JSON Logic → rows, or undefined when the condition is not a simple conjunction of comparisons */
/** `{ "var": "path" }`, a reference to a value in JSON Logic */
interface VarRef {
  var: string;
}

export function toRows(logic: unknown): Row[] | undefined {
  const parts =
    logic && typeof logic === 'object' && 'and' in (logic as object)
      ? (logic as { and: unknown[] }).and
      : [logic];
  const rows: Row[] = [];
  for (const p of parts) {
    if (!p || typeof p !== 'object' || Array.isArray(p)) return undefined;
    const [op, args] = Object.entries(p as object)[0] ?? [];
    if (
      PRESENCE.includes(op) &&
      Array.isArray(args) &&
      args.length === 1 &&
      typeof (args[0] as VarRef | null)?.var === 'string'
    ) {
      rows.push({ path: (args[0] as VarRef).var, op, rhs: { kind: 'value', value: '' } });
      continue;
    }
    if (!OPS.some((o) => o.value === op) || !Array.isArray(args) || args.length !== 2) return undefined;
    const [l, r] = args as [Partial<VarRef> | null, unknown];
    if (!l || typeof l.var !== 'string') return undefined;
    const ref = r && typeof r === 'object' ? (r as Partial<VarRef>) : undefined;
    if (typeof ref?.var === 'string' && ref.var.startsWith('params.'))
      rows.push({ path: l.var, op, rhs: { kind: 'param', param: ref.var.slice(7) } });
    else if (r === null || ['string', 'number', 'boolean'].includes(typeof r))
      rows.push({ path: l.var, op, rhs: { kind: 'value', value: String(r) } });
    else return undefined;
  }
  return rows;
}

/** rows → JSON Logic (numbers stay numbers) */
export function toLogic(rows: Row[]): unknown {
  const one = (r: Row) =>
    PRESENCE.includes(r.op)
      ? { [r.op]: [{ var: r.path }] }
      : {
          [r.op]: [
            { var: r.path },
            r.rhs.kind === 'param'
              ? { var: `params.${r.rhs.param}` }
              : r.rhs.value.trim() !== '' && !Number.isNaN(Number(r.rhs.value))
                ? Number(r.rhs.value)
                : r.rhs.value,
          ],
        };
  return rows.length === 1 ? one(rows[0]) : { and: rows.map(one) };
}

export function ConditionBuilder({
  value,
  onChange,
  variables,
  params,
  label,
}: {
  value: unknown;
  onChange: (v: unknown) => void;
  variables: string[];
  params: string[];
  label: string;
}) {
  const parsed = useMemo(() => toRows(value), [value]);
  const [json, setJson] = useState(false);
  const [text, setText] = useState(JSON.stringify(value));
  if (!parsed || json) {
    return (
      <Space direction="vertical" style={{ width: '100%' }}>
        <Typography.Text type="secondary">{label}（JSON Logic）</Typography.Text>
        <Input.TextArea
          rows={3}
          value={text}
          aria-label={`${label}（JSON）`}
          onChange={(e) => setText(e.target.value)}
          onBlur={() => {
            try {
              onChange(JSON.parse(text));
            } catch {
              /* the designer's validator names the problem on publish */
            }
          }}
        />
        {parsed && (
          <Button size="small" onClick={() => setJson(false)}>
            改用条件构建器
          </Button>
        )}
      </Space>
    );
  }
  const rows = parsed;
  const set = (next: Row[]) => onChange(toLogic(next));
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Text type="secondary">{label}（以下条件全部满足）</Typography.Text>
      {rows.map((r, i) => (
        <Space key={i} wrap size={4}>
          <AutoComplete
            aria-label={`${label}变量${i + 1}`}
            style={{ width: 190 }}
            value={r.path}
            options={variables.map((v) => ({ value: v }))}
            filterOption={(input, o) => String(o?.value ?? '').includes(input)}
            onChange={(v) => set(rows.map((x, j) => (j === i ? { ...x, path: v } : x)))}
          />
          <Select
            aria-label={`${label}比较${i + 1}`}
            style={{ width: 90 }}
            value={r.op}
            options={OPS}
            onChange={(v) => set(rows.map((x, j) => (j === i ? { ...x, op: v } : x)))}
          />
          {!PRESENCE.includes(r.op) && (
            <Select
              aria-label={`${label}值类型${i + 1}`}
              style={{ width: 90 }}
              value={r.rhs.kind}
              options={[
                { value: 'value', label: '值' },
                { value: 'param', label: '政策参数' },
              ]}
              onChange={(k) =>
                set(
                  rows.map((x, j) =>
                    j === i
                      ? {
                          ...x,
                          rhs:
                            k === 'param'
                              ? { kind: 'param', param: params[0] ?? '' }
                              : { kind: 'value', value: '' },
                        }
                      : x,
                  ),
                )
              }
            />
          )}
          {PRESENCE.includes(r.op) ? null : r.rhs.kind === 'param' ? (
            <Select
              aria-label={`${label}参数${i + 1}`}
              style={{ width: 190 }}
              value={r.rhs.param}
              options={params.map((p) => ({ value: p, label: p }))}
              onChange={(p) =>
                set(rows.map((x, j) => (j === i ? { ...x, rhs: { kind: 'param', param: p } } : x)))
              }
            />
          ) : (
            <Input
              aria-label={`${label}值${i + 1}`}
              style={{ width: 120 }}
              value={r.rhs.value}
              onChange={(e) =>
                set(
                  rows.map((x, j) => (j === i ? { ...x, rhs: { kind: 'value', value: e.target.value } } : x)),
                )
              }
            />
          )}
          <Button
            size="small"
            type="text"
            danger
            disabled={rows.length === 1}
            onClick={() => set(rows.filter((_, j) => j !== i))}
          >
            删除
          </Button>
        </Space>
      ))}
      <Space>
        <Button
          size="small"
          onClick={() =>
            set([...rows, { path: variables[0] ?? 'data.', op: '==', rhs: { kind: 'value', value: '' } }])
          }
        >
          + 添加条件
        </Button>
        <Button size="small" type="link" onClick={() => (setText(JSON.stringify(value)), setJson(true))}>
          编辑 JSON
        </Button>
      </Space>
    </Space>
  );
}
