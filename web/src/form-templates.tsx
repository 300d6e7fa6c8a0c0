/**
 * rjsf templates and widgets in antd's own idiom, made for a phone as much as a desk:
 * a repeating group (家庭成员, 参会人员) is a list of cards — one per row, its fields stacked, a labelled
 * 删除 button on the card and a labelled 添加… button below — instead of rjsf's columns with an icon toolbar
 * on the right that squeezes each row to a sliver at 375 px; a choice is antd's Select without rjsf's empty
 * first option; a group title is a left-aligned heading as on the paper form.
 */
import { createContext, useContext, useMemo } from 'react';
import { Button, Card, Input, Select } from 'antd';
import { getTemplate, getUiOptions } from '@rjsf/utils';
import { choicesOf } from '../../forms/labels';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import type {
  ArrayFieldItemTemplateProps,
  ArrayFieldTemplateProps,
  TitleFieldProps,
  WidgetProps,
} from '@rjsf/utils';

/**
 * The title of a group of fields (A55 监测帮扶联系人, a signature block of 附件3): a left-aligned heading, as on
 * the paper form, instead of antd's right-aligned field label with a colon.
 */
export function GroupTitle({ id, title, required }: TitleFieldProps) {
  if (!title) return null;
  return (
    <div
      id={id}
      role="heading"
      aria-level={4}
      style={{
        textAlign: 'left',
        fontWeight: 600,
        padding: '2px 0 6px',
        marginBottom: 8,
        borderBottom: '1px solid #f0f0f0',
      }}
    >
      {required && <span style={{ color: '#ff4d4f', marginRight: 4 }}>*</span>}
      {title}
    </div>
  );
}

/** what one row of the list is called ("家庭成员"), for its card title and the add/remove buttons */
const RowName = createContext('');

export function ArrayFieldTemplate(props: ArrayFieldTemplateProps) {
  const { canAdd, disabled, readonly, fieldPathId, items, onAddClick, required, schema, title, rawErrors } =
    props;
  const itemSchema =
    schema.items && typeof schema.items === 'object' && !Array.isArray(schema.items)
      ? schema.items
      : undefined;
  const rowName = (itemSchema?.title as string | undefined) ?? title ?? '';
  const objects = itemSchema?.type === 'object';
  return (
    <fieldset
      id={fieldPathId.$id}
      className="zx-array"
      style={{ border: 0, margin: '0 0 16px', padding: 0, minWidth: 0 }}
    >
      {title && (
        <GroupTitle
          id={`${fieldPathId.$id}__title`}
          title={title}
          required={required}
          schema={schema}
          registry={props.registry}
        />
      )}
      <RowName.Provider value={objects ? rowName : ''}>{items}</RowName.Provider>
      {items.length === 0 && <div style={{ color: '#999', marginBottom: 8 }}>暂无{rowName}</div>}
      {(rawErrors ?? []).map((e) => (
        <div key={e} role="alert" style={{ color: '#ff4d4f', marginBottom: 8 }}>
          {e}
        </div>
      ))}
      {canAdd && !readonly && !disabled && (
        <Button
          type="dashed"
          block
          icon={<PlusOutlined />}
          onClick={onAddClick}
          id={`${fieldPathId.$id}__add`}
        >
          添加{rowName}
        </Button>
      )}
    </fieldset>
  );
}

export function ArrayFieldItemTemplate(props: ArrayFieldItemTemplateProps) {
  const { children, buttonsProps, hasToolbar, index, readonly, disabled } = props;
  const rowName = useContext(RowName);
  const remove = hasToolbar && buttonsProps.hasRemove && !readonly && !disabled && (
    <Button
      size="small"
      danger
      icon={<DeleteOutlined />}
      onClick={buttonsProps.onRemoveItem}
      aria-label={`删除${rowName || ''}第${index + 1}项`}
    >
      删除
    </Button>
  );
  if (!rowName) {
    // a list of plain values (风险类型, 帮扶措施): one line each, the remove button beside it
    return (
      <div style={{ display: 'flex', gap: 8, alignItems: 'flex-start' }}>
        <div style={{ flex: 1, minWidth: 0 }}>{children}</div>
        {remove}
      </div>
    );
  }
  return (
    <Card
      size="small"
      className="zx-array-card"
      title={`${rowName} ${index + 1}`}
      extra={remove}
      style={{ marginBottom: 12 }}
      styles={{ body: { paddingBottom: 0 } }}
    >
      {children}
    </Card>
  );
}

/** A single choice from a list: antd's Select with a placeholder and a clear button, never an empty first option. */
export function SelectWidget(props: WidgetProps) {
  const { id, options, value, multiple, disabled, readonly, onChange, onBlur, onFocus, placeholder, label } =
    props;
  const enumOptions = (options.enumOptions ?? []) as { value: unknown; label: string }[];
  const antOptions = useMemo(
    () => ((options.enumOptions ?? []) as { label: string }[]).map((o, i) => ({ value: i, label: o.label })),
    [options.enumOptions],
  );
  const indexOf = (v: unknown) => enumOptions.findIndex((o) => o.value === v);
  const selected = multiple
    ? (Array.isArray(value) ? value : []).map(indexOf).filter((i) => i >= 0)
    : value === undefined || value === null || value === '' || indexOf(value) < 0
      ? undefined
      : indexOf(value);
  const decode = (v: number | number[] | undefined) =>
    Array.isArray(v)
      ? v.map((i) => enumOptions[i]?.value)
      : v === undefined || v === null
        ? undefined
        : enumOptions[v]?.value;
  return (
    <Select
      id={id}
      aria-label={label || undefined}
      mode={multiple ? 'multiple' : undefined}
      style={{ width: '100%' }}
      value={selected as never}
      options={antOptions}
      placeholder={placeholder || '请选择'}
      disabled={disabled || readonly}
      allowClear={!props.required || multiple}
      showSearch={{ filterOption: (input, o) => String(o?.label ?? '').includes(input) }}
      onChange={(v) => onChange(decode(v as never))}
      onBlur={() => onBlur(id, value)}
      onFocus={() => onFocus(id, value)}
      getPopupContainer={(node) => node.parentElement ?? document.body}
    />
  );
}

/**
 * A text field whose codes come from outside (a department-data record's 部门 and 类别, `x-labels`): read-only it
 * shows the code's label (民政部门, 低保), never the code; editable it is the plain input.
 */
export function TextWidget(props: WidgetProps) {
  const { registry, uiSchema, schema, value, id, readonly, disabled, label } = props;
  const hit = choicesOf(schema as never)?.find((c) => c.const === value);
  if (hit && (readonly || disabled))
    return <Input id={id} value={hit.title} readOnly disabled={disabled} aria-label={label || undefined} />;
  const BaseInput = getTemplate('BaseInputTemplate', registry, getUiOptions(uiSchema));
  return <BaseInput {...props} />;
}
