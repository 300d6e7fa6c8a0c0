/**
 * Form controls the seed forms need beyond rjsf's own: photos from the phone
 * camera, a handwritten signature, the address as a region cascader, and a
 * geotag. Photos and signatures are uploaded to /api/attachments and the form
 * keeps only their ids (format "attachment").
 */
import { useEffect, useRef, useState } from 'react';
import { Button, Cascader, Image, Space, Typography } from 'antd';
import { CameraOutlined, DeleteOutlined, EnvironmentOutlined } from '@ant-design/icons';
import type { FieldProps, WidgetProps } from '@rjsf/utils';
import { api } from './api';
import { SignaturePad } from './SignaturePad';

/** Shrink a camera photo (often 4–8 MB) to at most 1600 px as JPEG before it leaves the phone. */
async function shrink(file: File, max = 1600): Promise<Blob> {
  const bitmap = await createImageBitmap(file).catch(() => undefined);
  if (!bitmap) return file;
  const scale = Math.min(1, max / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(bitmap.width * scale);
  canvas.height = Math.round(bitmap.height * scale);
  canvas.getContext('2d')!.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  return new Promise((resolve) => canvas.toBlob((b) => resolve(b ?? file), 'image/jpeg', 0.82));
}

async function uploadImage(blob: Blob, name: string): Promise<string> {
  const file = new File([blob], name, { type: blob.type || 'image/jpeg' });
  const r = await api.upload<{ id: string }>('/api/attachments', file);
  return r.id;
}

export const attachmentUrl = (id: string) => `/api/attachments/${id}`;

/** 现场照片 an array of attachment ids; the phone opens its camera. */
export function PhotosWidget(props: WidgetProps) {
  const ids: string[] = Array.isArray(props.value) ? props.value : [];
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const input = useRef<HTMLInputElement>(null);
  const add = async (files: FileList) => {
    setBusy(true);
    setError(undefined);
    try {
      const next = [...ids];
      for (const f of [...files].slice(0, 9 - ids.length))
        next.push(await uploadImage(await shrink(f), f.name));
      props.onChange(next);
    } catch (e) {
      setError(e instanceof Error ? e.message : '上传失败');
    } finally {
      setBusy(false);
      if (input.current) input.current.value = '';
    }
  };
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space wrap>
        {ids.map((id, i) => (
          <div key={id} style={{ position: 'relative' }}>
            <Image
              src={attachmentUrl(id)}
              width={96}
              height={96}
              style={{ objectFit: 'cover', borderRadius: 6 }}
              alt={`照片${i + 1}`}
            />
            {!props.readonly && !props.disabled && (
              <Button
                size="small"
                danger
                type="text"
                icon={<DeleteOutlined />}
                aria-label={`删除照片${i + 1}`}
                style={{ position: 'absolute', top: 0, right: 0 }}
                onClick={() => props.onChange(ids.filter((x) => x !== id))}
              />
            )}
          </div>
        ))}
      </Space>
      {!props.readonly && !props.disabled && ids.length < 9 && (
        <>
          <input
            ref={input}
            id={props.id}
            type="file"
            accept="image/*"
            capture="environment"
            multiple
            aria-label={`${props.label ?? '照片'}：拍照或选择图片`}
            style={{ display: 'none' }}
            onChange={(e) => e.target.files && void add(e.target.files)}
          />
          <Button icon={<CameraOutlined />} loading={busy} onClick={() => input.current?.click()}>
            拍照 / 选择图片
          </Button>
        </>
      )}
      {error && <Typography.Text type="danger">{error}</Typography.Text>}
    </Space>
  );
}

/** 手写签名 draw with a finger or a mouse; saved as a PNG attachment. */
export function SignatureWidget(props: WidgetProps) {
  const locked = props.readonly || props.disabled;
  const label = props.label ?? '签名';
  if (props.value && typeof props.value === 'string') {
    return (
      <Space align="center">
        <img
          src={attachmentUrl(props.value)}
          alt={`${label}（已签）`}
          style={{ height: 64, border: '1px solid #eee', borderRadius: 4, background: '#fff' }}
        />
        {!locked && <Button onClick={() => props.onChange(undefined)}>重新签名</Button>}
      </Space>
    );
  }
  if (locked) return <Typography.Text type="secondary">未签名</Typography.Text>;
  return (
    <SignaturePad
      id={props.id}
      label={label}
      confirmText="确认签名"
      onConfirm={async (png) => props.onChange(await uploadImage(png, 'signature.png'))}
    />
  );
}

interface Org {
  id: string;
  parent_id: string | null;
  level: string;
  name: string;
}
const LEVEL_KEYS = ['city', 'county', 'township', 'village', 'group'] as const;
let orgsOnce: Promise<Org[]> | undefined;

/** 家庭住址 the address object {city, county, township, village, group} chosen from the organisation tree. */
export function RegionField(props: FieldProps) {
  const [orgs, setOrgs] = useState<Org[]>([]);
  useEffect(() => {
    orgsOnce ??= api.get<{ items: Org[] }>('/api/orgs').then((r) => r.items);
    void orgsOnce.then(setOrgs);
  }, []);
  type Option = { value: string; label: string; children?: Option[] };
  const build = (parent: string | null): Option[] =>
    orgs
      .filter((o) => o.parent_id === parent && (LEVEL_KEYS as readonly string[]).includes(o.level))
      .map((o) => {
        const children = build(o.id);
        return { value: o.name, label: o.name, ...(children.length ? { children } : {}) };
      });
  const cities = orgs.filter((o) => o.level === 'city');
  const options = cities.map((c) => ({ value: c.name, label: c.name, children: build(c.id) }));
  const v = (props.formData ?? {}) as Record<string, string>;
  const value = LEVEL_KEYS.map((k) => v[k]).filter(Boolean);
  const title = props.schema.title ?? '地址';
  const errors = props.errorSchema
    ? Object.values(props.errorSchema).flatMap(
        (e) => (e as { __errors?: string[] } | undefined)?.__errors ?? [],
      )
    : [];
  return (
    <div style={{ marginBottom: 16 }}>
      <label htmlFor={props.fieldPathId.$id} style={{ display: 'block', marginBottom: 6 }}>
        {props.required ? <span style={{ color: '#ff4d4f' }}>* </span> : null}
        {title}
      </label>
      <Cascader
        id={props.fieldPathId.$id}
        aria-label={title}
        style={{ width: '100%' }}
        options={options}
        value={value}
        disabled={props.disabled || props.readonly}
        placeholder="选择 市 / 县 / 乡镇 / 村 / 村民小组"
        showSearch
        changeOnSelect
        onChange={(path) =>
          props.onChange(
            Object.fromEntries(
              LEVEL_KEYS.map((k, i) => [k, (path as string[] | undefined)?.[i]]).filter(([, x]) => x),
            ),
            props.fieldPathId.path,
          )
        }
      />
      {errors.map((e: string) => (
        <div key={e} style={{ color: '#ff4d4f' }}>
          {e}
        </div>
      ))}
    </div>
  );
}

/** 定位 the phone's position at the household, when the verifier allows it. */
export function GeotagField(props: FieldProps) {
  const [error, setError] = useState<string>();
  const v = props.formData as { lat?: number; lng?: number } | undefined;
  const locate = () =>
    navigator.geolocation?.getCurrentPosition(
      (p) =>
        props.onChange(
          { lat: Math.round(p.coords.latitude * 1e6) / 1e6, lng: Math.round(p.coords.longitude * 1e6) / 1e6 },
          props.fieldPathId.path,
        ),
      () => setError('无法获取位置（请允许定位，或不填）'),
      { enableHighAccuracy: true, timeout: 10_000 },
    );
  return (
    <div style={{ marginBottom: 16 }}>
      <div style={{ marginBottom: 6 }}>{props.schema.title ?? '定位'}（可选）</div>
      <Space>
        {v?.lat !== undefined ? (
          <Typography.Text>
            {v.lat}, {v.lng}
          </Typography.Text>
        ) : (
          <Typography.Text type="secondary">未定位</Typography.Text>
        )}
        {!props.readonly && !props.disabled && (
          <Button icon={<EnvironmentOutlined />} onClick={locate}>
            获取当前位置
          </Button>
        )}
        {!props.readonly && !props.disabled && v?.lat !== undefined && (
          <Button onClick={() => props.onChange(undefined, props.fieldPathId.path)}>清除</Button>
        )}
      </Space>
      {error && <div style={{ color: '#ff4d4f' }}>{error}</div>}
    </div>
  );
}

export const WIDGETS = { photos: PhotosWidget, signature: SignatureWidget };
/** a field its display condition hides: nothing is drawn */
const HiddenField = () => null;

export const FIELDS = { region: RegionField, geotag: GeotagField, hidden: HiddenField };
