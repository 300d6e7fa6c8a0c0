/** Who is signed in, shared by every page. */
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { api, ApiError, setCsrf } from './api';
import { wipe as wipeFieldStore } from './field/store';

export interface Me {
  user: { id: string; username: string; name: string };
  roles: { role: string; org: { id: string; name: string; level: string }; department?: string }[];
}

const Ctx = createContext<{
  me: Me | null | undefined;
  reload: () => Promise<void>;
  logout: () => Promise<void>;
}>({
  me: undefined,
  reload: async () => {},
  logout: async () => {},
});

/** who signed in, kept for this tab only, so the field app opens without a network */
const ME_SLOT = 'zx-me';

export function SessionProvider({ children }: { children: ReactNode }) {
  // who signed in, as this tab last heard it: the page draws at once (the field app's shell without a round
  // trip) while /api/me confirms it; a 401 then signs the person out
  const [me, setMe] = useState<Me | null | undefined>(() => {
    const kept = sessionStorage.getItem(ME_SLOT);
    return kept ? (JSON.parse(kept) as Me) : undefined;
  });
  const reload = useCallback(async () => {
    try {
      const r = await api.get<Me & { csrfToken: string }>('/api/me');
      if (r.csrfToken) setCsrf(r.csrfToken);
      sessionStorage.setItem(ME_SLOT, JSON.stringify({ user: r.user, roles: r.roles }));
      setMe(r);
    } catch (e) {
      // no network (the field app offline): this tab's session goes on with who signed in; the server decides on sync
      const kept = !(e instanceof ApiError) && sessionStorage.getItem(ME_SLOT);
      if (kept) return setMe(JSON.parse(kept) as Me);
      sessionStorage.removeItem(ME_SLOT);
      setMe(null);
    }
  }, []);
  const logout = useCallback(async () => {
    await api.post('/api/auth/logout').catch(() => {});
    // drafts kept in this browser hold personal data: they leave with the person (the server keeps its copy)
    for (const key of Object.keys(localStorage))
      if (key.startsWith('zx-draft:')) localStorage.removeItem(key);
    // the field app's encrypted store and its key leave too
    sessionStorage.removeItem(ME_SLOT);
    await wipeFieldStore();
    setMe(null);
  }, []);
  useEffect(() => {
    void reload();
  }, [reload]);
  return <Ctx.Provider value={{ me, reload, logout }}>{children}</Ctx.Provider>;
}

export const useSession = () => useContext(Ctx);

export const ROLE_NAMES: Record<string, string> = {
  village_cadre: '村干部',
  village_secretary: '村支书',
  verifier: '入户核实员',
  township_reviewer: '乡镇审核',
  township_secretary: '乡镇党委书记',
  township_head: '乡镇长',
  county_rural_bureau: '县乡村振兴局',
  county_finance: '县财政局',
  county_industry_dept: '县行业部门',
  county_leading_group: '县领导小组',
  monitor_contact: '帮扶联系人',
  admin: '系统管理员',
  security_admin: '安全管理员',
  auditor: '审计管理员',
};
