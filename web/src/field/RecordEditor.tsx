/**
 * 入户核实记录（本人）the verifier's own record: its typed fields by the one form renderer (FormView, the
 * home-verification form), its photos (time and place, or declined) and the two signatures captured here and
 * kept encrypted on this device until they are uploaded. Used by the field app offline and by the staff task
 * page online (both send it as `evidence` with the form action).
 */
import { forwardRef, useImperativeHandle, useMemo, useRef, useState } from 'react';
import { Space, Typography } from 'antd';
import { FormView, type FormViewHandle } from '../FormView';
import { validateFormData, type FormDocument } from '../../../forms/validate';
import type { FieldError } from '../api';
import { ROLE_NAMES, useSession, type Me } from '../session';
import { PhotoCaptureField, SignatureCaptureField } from './capture';
import { draftOf, type EvidenceDraft } from './types';

/** the record's fields captured here (not drawn by the form renderer) */
const CAPTURED = ['photos', 'verifierSignature', 'householdSignature'];
const PLACEHOLDER = `att_${'0'.repeat(32)}`;

export interface RecordEditorHandle {
  /** validate with the shared validator; marks what is missing and returns the record, or undefined */
  check(): EvidenceDraft | undefined;
}

type Captured = Pick<EvidenceDraft, 'photos' | 'verifierSignature' | 'householdSignature'>;

export const RecordEditor = forwardRef<
  RecordEditorHandle,
  {
    doc: FormDocument;
    /** what this device kept, else */
    draft?: EvidenceDraft;
    /** my own earlier record on the server (a returned task) */
    mine?: Record<string, unknown> | null;
    onChange?: (ev: EvidenceDraft) => void;
  }
>(function RecordEditor({ doc, draft, mine, onChange }, ref) {
  const { me } = useSession();
  // what this device kept, else my own earlier record, else today's visit by me
  const [start] = useState<EvidenceDraft>(
    () => draft ?? draftOf(mine ?? null) ?? { photos: [], visitDate: today(), unit: myUnit(me) },
  );
  const [ev, setEv] = useState<Captured>(() => ({ ...captured(start) }));
  const typed = useRef<Record<string, unknown>>(pick(start));
  const record = useRef<FormViewHandle>(null);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const hidden = useMemo(() => Object.fromEntries(CAPTURED.map((k) => [k, 'hidden'])), []);
  const capture = (patch: Partial<Captured>) => {
    const next = { ...ev, ...patch };
    setEv(next);
    onChange?.({ ...typed.current, ...next } as EvidenceDraft);
  };
  useImperativeHandle(ref, () => ({
    check() {
      const typedNow = record.current?.data() ?? typed.current;
      const r = validateFormData(doc, {
        ...typedNow,
        photos: ev.photos.map((p) => ({
          attachment: PLACEHOLDER,
          takenAt: p.takenAt,
          ...(p.location ? { location: p.location } : { locationDeclined: true }),
        })),
        verifierSignature: ev.verifierSignature ? PLACEHOLDER : undefined,
        householdSignature: ev.householdSignature ? PLACEHOLDER : undefined,
      });
      if (!r.ok) {
        const mine = r.errors.filter((e) => CAPTURED.includes(e.path.split('.')[0]));
        record.current?.showErrors(r.errors.filter((e) => !mine.includes(e)));
        setErrors(mine);
        return undefined;
      }
      setErrors([]);
      return { ...pick(typedNow as unknown as EvidenceDraft), ...ev } as EvidenceDraft;
    },
  }));
  const errorOf = (field: string) =>
    errors
      .filter((e) => e.path.split('.')[0] === field)
      .map((e) => (
        <Typography.Text key={e.path + e.message} type="danger" style={{ display: 'block' }}>
          {e.message}
        </Typography.Text>
      ));
  const label = (text: string) => (
    <Typography.Text strong style={{ display: 'block', marginBottom: 4 }}>
      {text}
    </Typography.Text>
  );
  return (
    <>
      <FormView
        ref={record}
        doc={doc}
        initial={pick(start)}
        permissions={hidden}
        onChange={(data) => {
          typed.current = pick(data as unknown as EvidenceDraft);
          onChange?.({ ...typed.current, ...ev } as EvidenceDraft);
        }}
      />
      <Space direction="vertical" size={12} style={{ width: '100%', marginTop: 8 }}>
        <div>
          {label('现场照片')}
          <PhotoCaptureField value={ev.photos} onChange={(photos) => capture({ photos })} />
          {errorOf('photos')}
        </div>
        <div>
          {label('核实人员签字')}
          <SignatureCaptureField
            label="核实人员签字"
            value={ev.verifierSignature}
            onChange={(s) => capture({ verifierSignature: s })}
          />
          {errorOf('verifierSignature')}
        </div>
        <div>
          {label('户主签字确认')}
          <SignatureCaptureField
            label="户主签字"
            value={ev.householdSignature}
            onChange={(s) => capture({ householdSignature: s })}
          />
          {errorOf('householdSignature')}
        </div>
      </Space>
    </>
  );
});

/** the typed part of a record (what the form renderer shows) */
function pick(ev: EvidenceDraft | undefined): Record<string, unknown> {
  if (!ev) return {};
  const { photos: _p, verifierSignature: _v, householdSignature: _h, ...typed } = ev;
  return typed;
}

function captured(ev: EvidenceDraft | undefined): Captured {
  return {
    photos: ev?.photos ?? [],
    verifierSignature: ev?.verifierSignature,
    householdSignature: ev?.householdSignature,
  };
}

/** 入户日期 today in the device's own time zone (YYYY-MM-DD) */
function today(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** 单位及职务 the verifier's own org and role */
function myUnit(me: Me | null | undefined): string | undefined {
  const r = me?.roles.find((x) => x.role === 'verifier') ?? me?.roles[0];
  return r ? `${r.org?.name ?? ''}${ROLE_NAMES[r.role] ?? r.role}` : undefined;
}
