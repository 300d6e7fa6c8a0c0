/**
 * 离线存储 the field app's encrypted store: IndexedDB, every value AES-GCM encrypted (WebCrypto) with the key
 * the server made for this login session (`GET /api/field/key`). The key lives only in this tab's memory and
 * sessionStorage (so a reload without a network still opens the store), never in IndexedDB or localStorage;
 * logout deletes the database and the key. Record keys are task ids and sequence numbers, never personal data.
 */

const DB = 'zx-field';
const KEY_SLOT = 'zx-field-key';
export type Bin = 'kv' | 'queue' | 'blobs';

let keyPromise: Promise<CryptoKey> | undefined;

const b64 = {
  decode: (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0)),
};

function importKey(raw: string): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', b64.decode(raw), 'AES-GCM', false, ['encrypt', 'decrypt']);
}

/** the session's key: from this tab's memory or sessionStorage, else asked of the server (online only) */
export async function sessionKey(): Promise<CryptoKey> {
  if (keyPromise) return keyPromise;
  const kept = sessionStorage.getItem(KEY_SLOT);
  const load = async () => {
    if (kept) return importKey(kept);
    const res = await fetch('/api/field/key', { credentials: 'same-origin' });
    if (!res.ok) throw new Error(`离线存储密钥获取失败（${res.status}）`);
    const body = (await res.json()) as { key: string };
    sessionStorage.setItem(KEY_SLOT, body.key);
    return importKey(body.key);
  };
  keyPromise = load().catch((e) => {
    keyPromise = undefined;
    throw e;
  });
  return keyPromise;
}

/** the store can be opened without asking the server (the key is already held by this tab) */
export const hasSessionKey = () => Boolean(sessionStorage.getItem(KEY_SLOT));

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => {
      const db = req.result;
      db.createObjectStore('kv');
      db.createObjectStore('queue', { autoIncrement: true });
      db.createObjectStore('blobs');
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function run<T>(bin: Bin, mode: IDBTransactionMode, fn: (s: IDBObjectStore) => IDBRequest): Promise<T> {
  return open().then(
    (db) =>
      new Promise<T>((resolve, reject) => {
        const tx = db.transaction(bin, mode);
        const req = fn(tx.objectStore(bin));
        tx.oncomplete = () => (db.close(), resolve(req.result as T));
        tx.onerror = () => (db.close(), reject(tx.error));
        tx.onabort = () => (db.close(), reject(tx.error));
      }),
  );
}

interface Sealed {
  iv: Uint8Array;
  ct: ArrayBuffer;
  /** a blob's media type (image/jpeg, image/png): not personal data */
  type?: string;
}

async function seal(bytes: BufferSource, type?: string): Promise<Sealed> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, await sessionKey(), bytes);
  return { iv, ct, type };
}

async function unseal(s: Sealed): Promise<ArrayBuffer> {
  return crypto.subtle.decrypt({ name: 'AES-GCM', iv: s.iv as BufferSource }, await sessionKey(), s.ct);
}

const enc = new TextEncoder();
const dec = new TextDecoder();

export async function put(bin: 'kv' | 'queue', key: IDBValidKey | undefined, value: unknown) {
  const sealed = await seal(enc.encode(JSON.stringify(value)));
  return run<IDBValidKey>(bin, 'readwrite', (s) => (key === undefined ? s.add(sealed) : s.put(sealed, key)));
}

export async function get<T>(bin: 'kv' | 'queue', key: IDBValidKey): Promise<T | undefined> {
  const sealed = await run<Sealed | undefined>(bin, 'readonly', (s) => s.get(key));
  return sealed ? (JSON.parse(dec.decode(await unseal(sealed))) as T) : undefined;
}

/** every record of a bin in key order (the queue: the order the person acted in) */
export async function entries<T>(bin: 'kv' | 'queue'): Promise<[IDBValidKey, T][]> {
  const [keys, values] = await Promise.all([
    run<IDBValidKey[]>(bin, 'readonly', (s) => s.getAllKeys()),
    run<Sealed[]>(bin, 'readonly', (s) => s.getAll()),
  ]);
  return Promise.all(
    values.map(async (v, i) => [keys[i], JSON.parse(dec.decode(await unseal(v))) as T] as [IDBValidKey, T]),
  );
}

export const remove = (bin: Bin, key: IDBValidKey) => run(bin, 'readwrite', (s) => s.delete(key));

export async function putBlob(id: string, blob: Blob) {
  const sealed = await seal(await blob.arrayBuffer(), blob.type);
  await run('blobs', 'readwrite', (s) => s.put(sealed, id));
}

export async function getBlob(id: string): Promise<Blob | undefined> {
  const sealed = await run<Sealed | undefined>('blobs', 'readonly', (s) => s.get(id));
  return sealed ? new Blob([await unseal(sealed)], { type: sealed.type }) : undefined;
}

/** logout: the database and the key leave with the person (the server destroys its copy of the key) */
export async function wipe(): Promise<void> {
  keyPromise = undefined;
  sessionStorage.removeItem(KEY_SLOT);
  await new Promise<void>((resolve) => {
    const req = indexedDB.deleteDatabase(DB);
    req.onsuccess = req.onerror = req.onblocked = () => resolve();
  });
}
