/**
 * 现场取证 photos and signatures captured offline: a camera photo is shrunk in a canvas to at most 1600 px
 * JPEG and kept encrypted in this phone's store with the time it was taken and where (geolocation with its
 * accuracy, or "declined" when the verifier declines); a signature drawn on a canvas is kept the same way.
 * Nothing is uploaded here: the sync sends them when the network is back (sync.ts).
 */
import { useEffect, useRef, useState } from 'react';
import { Button, Checkbox, Space, Tag, Typography } from 'antd';
import { CameraOutlined, DeleteOutlined } from '@ant-design/icons';
import { SignaturePad } from '../SignaturePad';
import { getBlob, putBlob } from './store';
import type { PhotoCapture } from './types';

export const MAX_PHOTOS = 9;

/** at most 1600 px on the long side, JPEG */
async function shrink(file: Blob, max = 1600): Promise<Blob> {
  const bitmap = await createImageBitmap(file);
  const scale = Math.min(1, max / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(bitmap.width * scale));
  canvas.height = Math.max(1, Math.round(bitmap.height * scale));
  const ctx = canvas.getContext('2d')!;
  // a transparent PNG becomes white, not black, as a JPEG
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  return new Promise((resolve, reject) =>
    canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('照片处理失败'))), 'image/jpeg', 0.82),
  );
}

/** where the phone is, or declined (the verifier said no, or the phone could not tell) */
function locate(declined: boolean): Promise<Pick<PhotoCapture, 'location' | 'locationDeclined'>> {
  if (declined || !('geolocation' in navigator)) return Promise.resolve({ locationDeclined: true });
  return new Promise((resolve) =>
    navigator.geolocation.getCurrentPosition(
      (p) =>
        resolve({
          location: {
            lat: p.coords.latitude,
            lng: p.coords.longitude,
            accuracy: Math.round(p.coords.accuracy * 10) / 10,
          },
        }),
      () => resolve({ locationDeclined: true }),
      { enableHighAccuracy: true, timeout: 15_000, maximumAge: 60_000 },
    ),
  );
}

const localId = () => `l_${crypto.randomUUID()}`;

/** an object URL for a blob of the encrypted store (decrypted in memory, revoked when unmounted) */
export function useLocalImage(id: string | undefined): string | undefined {
  const [url, setUrl] = useState<string>();
  useEffect(() => {
    let made: string | undefined;
    let live = true;
    if (id)
      void getBlob(id).then((b) => {
        if (b && live) setUrl((made = URL.createObjectURL(b)));
      });
    return () => {
      live = false;
      if (made) URL.revokeObjectURL(made);
    };
  }, [id]);
  return url;
}

function Thumb({ photo, i, onRemove }: { photo: PhotoCapture; i: number; onRemove?: () => void }) {
  const url = useLocalImage(photo.local);
  const src = url ?? (photo.attachment ? `/api/attachments/${photo.attachment}` : undefined);
  return (
    <div style={{ width: 104 }} data-testid="field-photo">
      <div style={{ position: 'relative', width: 104, height: 104, background: '#eee', borderRadius: 6 }}>
        {src && (
          <img
            src={src}
            alt={`现场照片${i + 1}`}
            style={{ width: 104, height: 104, objectFit: 'cover', borderRadius: 6 }}
          />
        )}
        {onRemove && (
          <Button
            size="small"
            danger
            type="primary"
            icon={<DeleteOutlined />}
            aria-label={`删除照片${i + 1}`}
            style={{ position: 'absolute', top: 2, right: 2 }}
            onClick={onRemove}
          />
        )}
      </div>
      <div style={{ fontSize: 12, lineHeight: 1.4, marginTop: 2 }}>
        {new Date(photo.takenAt).toLocaleString('zh-CN', { hour12: false })}
        <br />
        {photo.location ? (
          <span>
            {photo.location.lat.toFixed(5)}, {photo.location.lng.toFixed(5)}（±
            {Math.round(photo.location.accuracy)} 米）
          </span>
        ) : (
          <Tag color="orange" style={{ marginInlineEnd: 0 }}>
            拒绝定位
          </Tag>
        )}
      </div>
    </div>
  );
}

/** 现场照片 taken with the phone's camera; each records its time and location (or that it was declined) */
export function PhotoCaptureField({
  value,
  onChange,
  readonly,
}: {
  value: PhotoCapture[];
  onChange: (next: PhotoCapture[]) => void;
  readonly?: boolean;
}) {
  const input = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [decline, setDecline] = useState(false);
  const add = async (files: FileList) => {
    setBusy(true);
    setError(undefined);
    try {
      const next = [...value];
      for (const f of [...files].slice(0, MAX_PHOTOS - value.length)) {
        const takenAt = new Date().toISOString();
        const [small, where] = await Promise.all([shrink(f), locate(decline)]);
        const local = localId();
        await putBlob(local, small);
        next.push({ local, takenAt, ...where });
      }
      onChange(next);
    } catch (e) {
      setError(e instanceof Error ? e.message : '照片保存失败');
    } finally {
      setBusy(false);
      if (input.current) input.current.value = '';
    }
  };
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space wrap align="start">
        {value.map((p, i) => (
          <Thumb
            key={p.local ?? p.attachment ?? i}
            photo={p}
            i={i}
            onRemove={readonly ? undefined : () => onChange(value.filter((x) => x !== p))}
          />
        ))}
        {value.length === 0 && <Typography.Text type="secondary">还没有照片</Typography.Text>}
      </Space>
      {!readonly && value.length < MAX_PHOTOS && (
        <>
          <input
            ref={input}
            type="file"
            accept="image/*"
            capture="environment"
            multiple
            aria-label="现场照片：拍照或选择图片"
            style={{ display: 'none' }}
            onChange={(e) => e.target.files && void add(e.target.files)}
          />
          <Space wrap>
            <Button icon={<CameraOutlined />} loading={busy} onClick={() => input.current?.click()}>
              拍照（{value.length}/{MAX_PHOTOS}）
            </Button>
            <Checkbox checked={decline} onChange={(e) => setDecline(e.target.checked)}>
              不提供位置
            </Checkbox>
          </Space>
        </>
      )}
      {error && <Typography.Text type="danger">{error}</Typography.Text>}
    </Space>
  );
}

/** 手写签名 drawn with a finger (or a mouse), kept as a PNG in the encrypted store */
export function SignatureCaptureField({
  label,
  value,
  onChange,
  readonly,
}: {
  label: string;
  value?: { local?: string; attachment?: string };
  onChange: (next: { local: string } | undefined) => void;
  readonly?: boolean;
}) {
  const url = useLocalImage(value?.local);
  if (value?.local || value?.attachment) {
    const src = url ?? (value.attachment ? `/api/attachments/${value.attachment}` : undefined);
    return (
      <Space align="center" wrap>
        {src && (
          <img
            src={src}
            alt={`${label}（已签）`}
            style={{
              height: 64,
              maxWidth: 220,
              border: '1px solid #eee',
              borderRadius: 4,
              background: '#fff',
            }}
          />
        )}
        <Tag color="green">已签</Tag>
        {!readonly && <Button onClick={() => onChange(undefined)}>重新签名</Button>}
      </Space>
    );
  }
  if (readonly) return <Typography.Text type="secondary">未签名</Typography.Text>;
  return (
    <SignaturePad
      label={label}
      confirmText={`确认${label}`}
      width={600}
      height={200}
      displayHeight={150}
      onConfirm={async (png) => {
        const local = localId();
        await putBlob(local, png);
        onChange({ local });
      }}
    />
  );
}
