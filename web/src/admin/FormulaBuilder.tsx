/**
 * 公式构建器 a derived field's formula without JSON: operands (a number field,
 * a constant, or the number of rows of a table such as 家庭人口数) joined by
 * + − × ÷, worked left to right, rounded to two decimals like the seed forms
 * (A33 = A28 + A29 + A30 + A31 − A32; A34 = A33 ÷ 家庭人口数). The server
 * recomputes it; what a client sends for the field is ignored.
 */
import { useMemo } from 'react';
import { Button, Input, Select, Space, Typography } from 'antd';

type Operand =
  { kind: 'field'; field: string } | { kind: 'const'; value: string } | { kind: 'count'; field: string };
interface Term {
  op: '+' | '-' | '*' | '/';
  operand: Operand;
}
const OP_ZH: Record<Term['op'], string> = { '+': '＋', '-': '－', '*': '×', '/': '÷' };

/** what an operand may look like in JSON Logic: `{ var }`, a number, or `{ count: [{ var }] }` */
type LogicNode = { var?: unknown; count?: unknown } | null | undefined;

const toOperand = (value: unknown): Operand | undefined => {
  if (typeof value === 'number') return { kind: 'const', value: String(value) };
  if (!value || typeof value !== 'object') return undefined;
  const x = value as LogicNode & object;
  if (typeof x.var === 'string') return { kind: 'field', field: x.var };
  const first = Array.isArray(x.count) ? (x.count[0] as LogicNode) : undefined;
  if (first && typeof first.var === 'string') return { kind: 'count', field: first.var };
  return undefined;
};
const fromOperand = (o: Operand) =>
  o.kind === 'field'
    ? { var: o.field }
    : o.kind === 'count'
      ? { count: [{ var: o.field }] }
      : Number(o.value) || 0;

/** JSON Logic → a left-to-right chain of terms (the first term's op is ignored), or undefined */
export function toTerms(logic: unknown): Term[] | undefined {
  const walk = (x: unknown): Term[] | undefined => {
    const o = toOperand(x);
    if (o) return [{ op: '+', operand: o }];
    if (!x || typeof x !== 'object') return undefined;
    const [k, args] = Object.entries(x)[0] ?? [];
    if (k === 'round2' && Array.isArray(args) && args.length === 1) return walk(args[0]);
    const op = k === 'div2' ? '/' : (k as Term['op']);
    if (!['+', '-', '*', '/'].includes(op) || !Array.isArray(args) || args.length < 2) return undefined;
    const head = walk(args[0]);
    if (!head) return undefined;
    const rest = args.slice(1).map(toOperand);
    if (rest.some((r) => !r)) return undefined;
    return [...head, ...rest.map((r) => ({ op, operand: r! }))];
  };
  return walk(logic);
}

export function toFormula(terms: Term[]): unknown {
  let acc: unknown = fromOperand(terms[0].operand);
  for (const t of terms.slice(1))
    acc = t.op === '/' ? { div2: [acc, fromOperand(t.operand)] } : { [t.op]: [acc, fromOperand(t.operand)] };
  return acc && typeof acc === 'object' && 'div2' in (acc as object) ? acc : { round2: [acc] };
}

export function describe(terms: Term[], titles: Record<string, string>): string {
  const name = (o: Operand) =>
    o.kind === 'const'
      ? o.value
      : o.kind === 'count'
        ? `${titles[o.field] ?? o.field}人数`
        : (titles[o.field] ?? o.field);
  return terms.map((t, i) => `${i ? ` ${OP_ZH[t.op]} ` : ''}${name(t.operand)}`).join('');
}

export function FormulaBuilder(props: {
  field: string;
  logic: unknown;
  numberFields: { key: string; title: string }[];
  tableFields: { key: string; title: string }[];
  onSave: (logic: unknown, title: string) => void;
  onClear: () => void;
}) {
  const parsed = useMemo(() => (props.logic ? toTerms(props.logic) : undefined), [props.logic]);
  const terms: Term[] = parsed ?? [
    { op: '+', operand: { kind: 'field', field: props.numberFields[0]?.key ?? '' } },
  ];
  const titles = Object.fromEntries(
    [...props.numberFields, ...props.tableFields].map((f) => [f.key, f.title]),
  );
  const save = (next: Term[]) =>
    props.onSave(toFormula(next), `${titles[props.field] ?? props.field} = ${describe(next, titles)}`);
  if (props.logic && !parsed) {
    return (
      <Typography.Text type="secondary">
        此字段的公式较复杂（{JSON.stringify(props.logic).slice(0, 80)}…），请在 JSON 视图中修改
      </Typography.Text>
    );
  }
  const operandEditor = (o: Operand, i: number) => (
    <Space size={4}>
      <Select
        aria-label={`运算对象类型${i + 1}`}
        style={{ width: 96 }}
        value={o.kind}
        options={[
          { value: 'field', label: '字段' },
          { value: 'const', label: '常数' },
          ...(props.tableFields.length ? [{ value: 'count', label: '行数' }] : []),
        ]}
        onChange={(k) =>
          save(
            terms.map((t, j) =>
              j === i
                ? {
                    ...t,
                    operand:
                      k === 'const'
                        ? { kind: 'const', value: '0' }
                        : k === 'count'
                          ? { kind: 'count', field: props.tableFields[0].key }
                          : { kind: 'field', field: props.numberFields[0]?.key ?? '' },
                  }
                : t,
            ),
          )
        }
      />
      {o.kind === 'const' ? (
        <Input
          aria-label={`运算对象${i + 1}`}
          style={{ width: 90 }}
          value={o.value}
          onChange={(e) =>
            save(
              terms.map((t, j) =>
                j === i ? { ...t, operand: { kind: 'const', value: e.target.value } } : t,
              ),
            )
          }
        />
      ) : (
        <Select
          aria-label={`运算对象${i + 1}`}
          style={{ width: 170 }}
          value={o.field}
          showSearch
          optionFilterProp="label"
          options={(o.kind === 'count' ? props.tableFields : props.numberFields).map((f) => ({
            value: f.key,
            label: `${f.title}（${f.key}）`,
          }))}
          onChange={(v) =>
            save(
              terms.map((t, j) => (j === i ? { ...t, operand: { kind: o.kind, field: v } as Operand } : t)),
            )
          }
        />
      )}
    </Space>
  );
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Text type="secondary">计算公式（自动计算，填表人不能修改；保留两位小数）</Typography.Text>
      {props.logic ? <Typography.Text>当前：{describe(terms, titles)}</Typography.Text> : null}
      {terms.map((t, i) => (
        <Space key={i} size={4}>
          {i > 0 && (
            <Select
              aria-label={`运算符${i}`}
              style={{ width: 64 }}
              value={t.op}
              options={(['+', '-', '*', '/'] as const).map((op) => ({ value: op, label: OP_ZH[op] }))}
              onChange={(op) => save(terms.map((x, j) => (j === i ? { ...x, op } : x)))}
            />
          )}
          {operandEditor(t.operand, i)}
          {i > 0 && (
            <Button size="small" type="text" danger onClick={() => save(terms.filter((_, j) => j !== i))}>
              删除
            </Button>
          )}
        </Space>
      ))}
      <Space>
        <Button
          size="small"
          onClick={() =>
            save([...terms, { op: '+', operand: { kind: 'field', field: props.numberFields[0]?.key ?? '' } }])
          }
        >
          + 添加运算
        </Button>
        {!props.logic && (
          <Button size="small" type="primary" ghost onClick={() => save(terms)}>
            设为计算字段
          </Button>
        )}
        {props.logic ? (
          <Button size="small" danger onClick={props.onClear}>
            取消计算
          </Button>
        ) : null}
      </Space>
    </Space>
  );
}
