/** The field app's state shared by its screens: the stored bundle, the queue, notes, network and sync. */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { put, entries, remove } from './store';
import { queued, syncNow, type Progress } from './sync';
import {
  fieldTask,
  type Bundle,
  type Note,
  type QueueItem,
  type RawFieldTask,
  type StoredBundle,
} from './types';

interface FieldState {
  online: boolean;
  bundle?: StoredBundle;
  queue: [IDBValidKey, QueueItem][];
  notes: [IDBValidKey, Note][];
  /** tasks whose submission the server confirmed: task id → when */
  sent: Record<string, string>;
  progress?: Progress;
  syncing: boolean;
  /** why the store could not be opened (no key: the person must sign in online once) */
  storeError?: string;
  download(onProgress: (done: number, total: number) => void): Promise<void>;
  refresh(): Promise<void>;
  sync(): Promise<void>;
}

const Ctx = createContext<FieldState>(undefined as never);
export const useField = () => useContext(Ctx);

export function FieldProvider({ children }: { children: ReactNode }) {
  const [online, setOnline] = useState(navigator.onLine);
  const [bundle, setBundle] = useState<StoredBundle>();
  const [queue, setQueue] = useState<[IDBValidKey, QueueItem][]>([]);
  const [notes, setNotes] = useState<[IDBValidKey, Note][]>([]);
  const [sent, setSent] = useState<Record<string, string>>({});
  const [progress, setProgress] = useState<Progress>();
  const [syncing, setSyncing] = useState(false);
  const [storeError, setStoreError] = useState<string>();

  const refresh = useCallback(async () => {
    try {
      const [kv, q] = await Promise.all([entries<unknown>('kv'), queued()]);
      const under = (prefix: string) => kv.filter(([k]) => String(k).startsWith(prefix));
      setBundle(kv.find(([k]) => k === 'bundle')?.[1] as StoredBundle | undefined);
      setQueue(q);
      setNotes(under('note:') as [IDBValidKey, Note][]);
      setSent(
        Object.fromEntries(under('sent:').map(([k, v]) => [String(k).slice(5), (v as { at: string }).at])),
      );
      setStoreError(undefined);
    } catch (e) {
      setStoreError(e instanceof Error ? e.message : '离线存储无法打开');
    }
  }, []);

  const sync = useCallback(async () => {
    if (!navigator.onLine) return;
    setSyncing(true);
    try {
      await syncNow((p) => {
        setProgress(p);
        if (p.phase !== 'upload') void refresh();
      });
    } catch {
      // a network failure mid-way: what is left stays queued for the next try
    } finally {
      setSyncing(false);
      await refresh();
    }
  }, [refresh]);

  const download = useCallback(
    async (onProgress: (done: number, total: number) => void) => {
      const res = await fetch('/api/field/today', { credentials: 'same-origin' });
      if (!res.ok) throw new Error(`下载失败（${res.status}）`);
      // read with progress: the bundle carries forms, household records and earlier documents
      const total = Number(res.headers.get('content-length')) || 0;
      const reader = res.body!.getReader();
      const parts: Uint8Array[] = [];
      let got = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        parts.push(value);
        got += value.byteLength;
        onProgress(got, total);
      }
      const raw = JSON.parse(await new Blob(parts as BlobPart[]).text()) as Omit<Bundle, 'tasks'> & {
        tasks: RawFieldTask[];
      };
      const b: Bundle = { ...raw, tasks: raw.tasks.map(fieldTask) };
      // a new download starts a new day: what was confirmed before is no longer listed as sent
      for (const [k] of await entries<unknown>('kv'))
        if (String(k).startsWith('sent:') && !b.tasks.some((t) => `sent:${t.task.id}` === k))
          await remove('kv', k);
      await put('kv', 'bundle', { ...b, downloadedAt: new Date().toISOString() } satisfies StoredBundle);
      await refresh();
    },
    [refresh],
  );

  useEffect(() => {
    void refresh();
    const on = () => {
      setOnline(true);
      void sync();
    };
    const off = () => setOnline(false);
    window.addEventListener('online', on);
    window.addEventListener('offline', off);
    if (navigator.onLine) void sync();
    return () => {
      window.removeEventListener('online', on);
      window.removeEventListener('offline', off);
    };
  }, [refresh, sync]);

  const value = useMemo(
    () => ({ online, bundle, queue, notes, sent, progress, syncing, storeError, download, refresh, sync }),
    [online, bundle, queue, notes, sent, progress, syncing, storeError, download, refresh, sync],
  );
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

/** a note kept instead of a send: stays on this phone (encrypted) until deleted or logout */
export async function keepNote(note: Note) {
  await put('kv', `note:${crypto.randomUUID()}`, note);
}
export const dropNote = (key: IDBValidKey) => remove('kv', key);
