/** 代码表 code lists for pages that show stored codes (a household's 与户主关系, 健康状况): fetched once, by key. */
import { useEffect, useState } from 'react';
import { api } from './api';

type Labels = Record<string, Record<string, string>>;
const cache = new Map<string, Promise<Record<string, string>>>();

function load(keys: string[]): Promise<Labels> {
  const missing = keys.filter((k) => !cache.has(k));
  if (missing.length) {
    const all = api.get<{ items: { key: string; items: { code: string; label: { zh: string } }[] }[] }>(
      `/api/codelists?keys=${missing.join(',')}`,
    );
    for (const k of missing) {
      cache.set(
        k,
        all
          .then((r) =>
            Object.fromEntries(
              (r.items.find((l) => l.key === k)?.items ?? []).map((i) => [i.code, i.label.zh]),
            ),
          )
          .catch(() => (cache.delete(k), {})),
      );
    }
  }
  return Promise.all(keys.map((k) => cache.get(k)!)).then((lists) =>
    Object.fromEntries(keys.map((k, i) => [k, lists[i]])),
  );
}

/** `labels.relations['02']` → 配偶; until the lists arrive (or for an unknown code) `codeLabel` shows the code. */
export function useCodeLists(...keys: string[]): (list: string, code: unknown) => string {
  const [labels, setLabels] = useState<Labels>({});
  const id = keys.join(',');
  useEffect(() => {
    void load(id.split(',')).then(setLabels);
  }, [id]);
  return (list, code) =>
    code === undefined || code === null || code === '' ? '—' : (labels[list]?.[String(code)] ?? String(code));
}
