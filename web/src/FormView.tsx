/**
 * Renders a form document with @rjsf/antd, from the pinned version, with the
 * step's field permissions. Validation uses the same code as the server
 * (forms/validate.ts); its errors, and the server's 422 errors, appear next
 * to their fields in Chinese.
 */
import { forwardRef, useImperativeHandle, useMemo, useState } from 'react';
import Form from '@rjsf/antd';
import { customizeValidator } from '@rjsf/validator-ajv8';
import type { ErrorSchema, RJSFSchema, UiSchema } from '@rjsf/utils';
import Ajv2020 from 'ajv/dist/2020';
import { hiddenFields, validateFormData, type FormDocument } from '../../forms/validate';
import {
  checkIdOrDisability,
  isHalfMonths,
  isMobile,
  parseDisabilityCert,
  parseResidentId,
} from '../../forms/formats';
import type { FieldError } from './api';
import { FIELDS, WIDGETS } from './widgets';
import {
  ArrayFieldItemTemplate,
  ArrayFieldTemplate,
  GroupTitle,
  SelectWidget,
  TextWidget,
} from './form-templates';
import { computeDerived, stripDerived } from '../../forms/derive';

const TEMPLATES = { TitleFieldTemplate: GroupTitle, ArrayFieldTemplate, ArrayFieldItemTemplate };
const ALL_WIDGETS = { ...WIDGETS, SelectWidget, TextWidget };

/**
 * 计算字段 the derived fields (A33 家庭纯收入, A34 人均 …) worked out while the person types, by the same
 * rules module the server runs when the form is submitted (forms/derive.ts), so per-capita income is
 * visible during the home visit.
 */
export function withDerived(doc: FormDocument, data: Record<string, unknown>): Record<string, unknown> {
  if (!doc.derived?.length) return data;
  const out = structuredClone(data);
  stripDerived(out, doc.derived);
  try {
    computeDerived(out, doc.derived);
  } catch {
    return data; // a formula over half-typed input: the values come when the input is complete
  }
  return out;
}

const validator = customizeValidator({
  AjvClass: Ajv2020 as never,
  customFormats: {
    'resident-id': (v: string) => parseResidentId(v).valid,
    'disability-cert': (v: string) => parseDisabilityCert(v).valid,
    'id-or-disability': (v: string) => checkIdOrDisability(v).valid,
    mobile: isMobile,
    money: () => true,
    'half-months': (v: string) => isHalfMonths(Number(v)),
    attachment: (v: string) => /^att_[0-9a-f]{32}$/.test(v),
  },
  ajvOptionsOverrides: { strict: false },
});

/** Turn dotted error paths (members.2.A7) into rjsf's nested error schema. */
export function toErrorSchema(errors: FieldError[]): ErrorSchema {
  type Node = { [key: string]: Node } & { __errors?: string[] };
  const root: Node = {};
  for (const e of errors) {
    let node = root;
    for (const part of e.path.split('.').filter(Boolean)) node = node[part] ??= {};
    (node.__errors ??= []).push(e.message);
  }
  return root as ErrorSchema;
}

/** a field that is not drawn at all: it renders nothing and the layout leaves no row for it */
const HIDDEN = { 'ui:field': 'hidden', 'ui:widget': 'hidden' } as const;

function withPermissions(ui: UiSchema, perms: Record<string, string>, readonly: boolean): UiSchema {
  type Node = { [key: string]: unknown };
  const out = structuredClone(ui ?? {}) as Node;
  for (const [path, p] of Object.entries(perms)) {
    let node = out;
    for (const part of path.split('.')) node = (node[part] ??= {}) as Node;
    if (p === 'readonly') node['ui:readonly'] = true;
    if (p === 'hidden') Object.assign(node, HIDDEN);
  }
  if (readonly) out['ui:readonly'] = true;
  out['ui:submitButtonOptions'] = { norender: true };
  return out as UiSchema;
}

export interface FormViewHandle {
  /** validate with the shared validator; shows errors and returns the clean data, or undefined */
  check(): Record<string, unknown> | undefined;
  data(): Record<string, unknown>;
  showErrors(errors: FieldError[]): void;
}

export const FormView = forwardRef<
  FormViewHandle,
  {
    doc: FormDocument;
    initial?: Record<string, unknown>;
    permissions?: Record<string, string>;
    readonly?: boolean;
    /** 分阶段填写 the stage of the form this step fills (fields of later stages are hidden and not required) */
    stage?: string;
    /** every change of the data (the task page keeps a draft of it, so nothing typed is lost) */
    onChange?: (data: Record<string, unknown>) => void;
  }
>(function FormView({ doc, initial, permissions = {}, readonly = false, stage, onChange }, ref) {
  const [formData, setFormData] = useState<Record<string, unknown>>(() =>
    readonly ? (initial ?? {}) : withDerived(doc, initial ?? {}),
  );
  const [errors, setErrors] = useState<FieldError[]>([]);
  const base = useMemo(
    () => withPermissions(doc.uiSchema ?? {}, permissions, readonly),
    [doc, permissions, readonly],
  );
  // fields whose display condition (x-visibleWhen) is false right now are not drawn
  const hidden = useMemo(() => hiddenFields(doc, formData), [doc, formData]);
  const ui = useMemo(
    () =>
      hidden.length
        ? { ...base, ...Object.fromEntries(hidden.map((k) => [k, { ...(base[k] ?? {}), ...HIDDEN }])) }
        : base,
    [base, hidden],
  );
  useImperativeHandle(ref, () => ({
    check() {
      const r = validateFormData(doc, formData, {
        permissions: permissions as never,
        previous: initial,
        stage,
      });
      if (r.ok) {
        setErrors([]);
        setFormData(r.data);
        return r.data;
      }
      setErrors(r.errors);
      return undefined;
    },
    data: () => formData,
    showErrors: setErrors,
  }));
  return (
    <>
      {errors.length > 0 && (
        <div
          role="alert"
          style={{
            background: '#fff2f0',
            border: '1px solid #ffccc7',
            borderRadius: 6,
            padding: '8px 12px',
            marginBottom: 12,
          }}
        >
          有 {errors.length} 处需要修改：
          <ul style={{ margin: '4px 0 0 16px', padding: 0 }}>
            {errors.map((e) => (
              <li key={e.path + e.message}>
                {/* jumps to the field: rjsf names each input root_<path with _> */}
                <a
                  href={`#${fieldDomId(e.path)}`}
                  onClick={(ev) => {
                    ev.preventDefault();
                    focusField(e.path);
                  }}
                >
                  {e.message}
                </a>
              </li>
            ))}
          </ul>
        </div>
      )}
      <Form
        schema={doc.schema as RJSFSchema}
        uiSchema={ui}
        formData={formData}
        validator={validator}
        widgets={ALL_WIDGETS}
        fields={FIELDS}
        templates={TEMPLATES}
        onChange={(e) => {
          const next = withDerived(doc, e.formData as Record<string, unknown>);
          setFormData(next);
          onChange?.(next);
        }}
        extraErrors={toErrorSchema(errors)}
        showErrorList={false}
        noHtml5Validate
        readonly={readonly}
        // a pledge (const true) must be ticked by the person, never pre-ticked
        experimental_defaultFormStateBehavior={{ constAsDefaults: 'never' }}
      />
    </>
  );
});

/** The DOM id rjsf gives the input of a dotted data path (members.2.A7 → root_members_2_A7). */
export function fieldDomId(path: string): string {
  return ['root', ...path.split('.').filter(Boolean)].join('_');
}

/** Scroll to a field and put the cursor in it (the nearest drawn ancestor when the field itself is not an input). */
function focusField(path: string): void {
  const parts = path.split('.').filter(Boolean);
  for (let n = parts.length; n >= 0; n--) {
    const el = document.getElementById(['root', ...parts.slice(0, n)].join('_'));
    if (el) {
      el.scrollIntoView({ behavior: 'smooth', block: 'center' });
      (el as HTMLElement).focus?.({ preventScroll: true });
      return;
    }
  }
}
