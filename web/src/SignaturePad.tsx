/**
 * 手写签名 the pad a signature is drawn on with a finger or a mouse: a canvas with 清除 and a confirm
 * button. The drawing is handed over as a PNG; where it is kept is the caller's business (the form widget
 * uploads it as an attachment, the field app keeps it in the phone's encrypted store).
 */
import { useRef, useState } from 'react';
import { Button, Space, Typography } from 'antd';

export function SignaturePad({
  label,
  confirmText,
  clearText = '清除',
  onConfirm,
  id,
  width = 480,
  height = 160,
  displayHeight = height,
}: {
  /** names the canvas: `${label}：在此处手写签名` */
  label: string;
  confirmText: string;
  clearText?: string;
  /** the drawing as a PNG; the pad is cleared once this has finished */
  onConfirm: (png: Blob) => Promise<void> | void;
  id?: string;
  /** the canvas in pixels, which is the size of the PNG */
  width?: number;
  height?: number;
  /** the height shown on the page, in CSS pixels (the width follows the page, up to 480) */
  displayHeight?: number;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const drawing = useRef(false);
  const [dirty, setDirty] = useState(false);
  const [busy, setBusy] = useState(false);
  /** a save that failed (no network, storage full): the drawing stays on the pad to confirm again */
  const [failed, setFailed] = useState(false);
  const at = (e: React.PointerEvent<HTMLCanvasElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    return [
      ((e.clientX - r.left) * e.currentTarget.width) / r.width,
      ((e.clientY - r.top) * e.currentTarget.height) / r.height,
    ] as const;
  };
  const clear = () => {
    // after a confirm the caller usually shows the signed image instead, and the canvas is gone
    const c = canvas.current;
    c?.getContext('2d')!.clearRect(0, 0, c.width, c.height);
    setDirty(false);
  };
  const confirm = async () => {
    setBusy(true);
    setFailed(false);
    try {
      const png = await new Promise<Blob>((resolve, reject) =>
        canvas.current!.toBlob((b) => (b ? resolve(b) : reject(new Error('签名保存失败'))), 'image/png'),
      );
      await onConfirm(png);
      clear();
    } catch {
      setFailed(true);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <canvas
        ref={canvas}
        id={id}
        width={width}
        height={height}
        aria-label={`${label}：在此处手写签名`}
        style={{
          width: '100%',
          maxWidth: 480,
          height: displayHeight,
          border: '1px dashed #999',
          borderRadius: 6,
          background: '#fff',
          touchAction: 'none',
        }}
        onPointerDown={(e) => {
          drawing.current = true;
          e.currentTarget.setPointerCapture(e.pointerId);
          const ctx = e.currentTarget.getContext('2d')!;
          const [x, y] = at(e);
          // a pen about 3 px wide on a pad shown 480 px wide: 3 canvas pixels at 480, 4 at 600
          ctx.lineWidth = Math.round(width / 150);
          ctx.lineCap = 'round';
          ctx.lineJoin = 'round';
          ctx.strokeStyle = '#111';
          ctx.beginPath();
          ctx.moveTo(x, y);
        }}
        onPointerMove={(e) => {
          if (!drawing.current) return;
          const ctx = e.currentTarget.getContext('2d')!;
          const [x, y] = at(e);
          ctx.lineTo(x, y);
          ctx.stroke();
          setDirty(true);
        }}
        onPointerUp={() => (drawing.current = false)}
      />
      <Space>
        <Button onClick={clear} disabled={!dirty}>
          {clearText}
        </Button>
        <Button type="primary" ghost onClick={() => void confirm()} disabled={!dirty} loading={busy}>
          {confirmText}
        </Button>
      </Space>
      {failed && (
        <Typography.Text type="danger" role="alert">
          签名未保存（网络或存储出错），签名仍在上面，请再点一次“{confirmText}”。 The signature was not saved;
          it is still on the pad — confirm again.
        </Typography.Text>
      )}
    </Space>
  );
}
