/** Layout and routes: a side menu on desktop, a bottom tab bar on phones; the public board needs no login. */
import { lazy, Suspense, useEffect, useState } from 'react';
import { Link, Navigate, Route, Routes, useLocation, useNavigate } from 'react-router-dom';
import { Badge, Button, Dropdown, Grid, Layout, Menu, Spin, Typography } from 'antd';
import {
  SettingOutlined,
  BellOutlined,
  CloudUploadOutlined,
  TeamOutlined,
  AuditOutlined,
  DashboardOutlined,
  FileSearchOutlined,
  HomeOutlined,
  InboxOutlined,
  LogoutOutlined,
  NotificationOutlined,
  ProjectOutlined,
} from '@ant-design/icons';
import { useSession, ROLE_NAMES } from './session';
import { api } from './api';
import Login from './pages/Login';
import { fmt } from './labels';

const Inbox = lazy(() => import('./pages/Inbox'));
const TaskPage = lazy(() => import('./pages/TaskPage'));
const CasePage = lazy(() => import('./pages/CasePage'));
const Cases = lazy(() => import('./pages/Cases'));
const PublicBoard = lazy(() => import('./pages/PublicBoard'));
const Households = lazy(() => import('./pages/Households'));
const Dashboard = lazy(() => import('./pages/Dashboard'));
const AdminHome = lazy(() => import('./admin/AdminHome'));
const FormDesigner = lazy(() => import('./admin/FormDesigner'));
const ProcessDesigner = lazy(() => import('./admin/ProcessDesigner'));
const DepartmentData = lazy(() => import('./pages/DepartmentData'));
const Users = lazy(() => import('./admin/Users'));
const HolidayCalendar = lazy(() => import('./admin/HolidayCalendar'));
const Audit = lazy(() => import('./admin/Audit'));
const OrgTree = lazy(() => import('./admin/OrgTree'));
const Overlays = lazy(() => import('./admin/Overlays'));
const PrintView = lazy(() => import('./pages/PrintView'));
const ProjectRegister = lazy(() => import('./pages/ProjectRegister'));
const AssetLedgerRegister = lazy(() => import('./pages/AssetLedgerRegister'));
const PublicRegisters = lazy(() => import('./pages/PublicRegisters'));
const FieldApp = lazy(() => import('./field/FieldApp'));

const MENU = [
  { key: '/', icon: <InboxOutlined />, label: '待办' },
  { key: '/cases', icon: <FileSearchOutlined />, label: '案件' },
  { key: '/households', icon: <HomeOutlined />, label: '农户' },
  { key: '/registers/projects', icon: <ProjectOutlined />, label: '项目库' },
  { key: '/dashboard', icon: <DashboardOutlined />, label: '统计' },
  { key: '/public', icon: <NotificationOutlined />, label: '公示栏' },
];

const loading = (
  <div style={{ padding: 48, textAlign: 'center' }}>
    <Spin />
  </div>
);

export function App() {
  const { me } = useSession();
  const location = useLocation();
  if (location.pathname.startsWith('/public')) {
    return (
      <Suspense fallback={loading}>
        <Routes>
          <Route path="/public" element={<PublicBoard />} />
          <Route path="/public/registers" element={<PublicRegisters />} />
        </Routes>
      </Suspense>
    );
  }
  if (me === undefined) return loading;
  if (me === null) {
    return (
      <Routes>
        <Route path="/login" element={<Login />} />
        <Route
          path="*"
          element={<Navigate to={`/login?next=${encodeURIComponent(location.pathname)}`} replace />}
        />
      </Routes>
    );
  }
  // 入户核实 the installable field app: its own phone layout, works offline (web/src/field)
  if (location.pathname.startsWith('/field'))
    return (
      <Suspense fallback={loading}>
        <FieldApp />
      </Suspense>
    );
  return <Shell />;
}

/** 通知 one notification of the bell (GET /api/notifications) */
interface Note {
  id: string;
  message: string;
  case_id?: string;
  case_title?: string;
  due_at?: string;
  read: boolean;
}

function Shell() {
  const { me, logout } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const screens = Grid.useBreakpoint();
  const mobile = !screens.md;
  const [notes, setNotes] = useState<Note[]>([]);
  const [unread, setUnread] = useState(0);
  const loadNotes = () =>
    api
      .get<{ items: Note[]; unread: number }>('/api/notifications')
      .then((r) => (setNotes(r.items), setUnread(r.unread)))
      .catch(() => {});
  useEffect(() => {
    void loadNotes();
  }, [location.pathname]);
  const openNote = async (n: { id: string; case_id?: string; read: boolean }) => {
    if (!n.read) await api.post(`/api/notifications/${n.id}/read`).catch(() => {});
    void loadNotes();
    if (n.case_id) navigate(`/cases/${n.case_id}`);
  };
  const isAdmin = me!.roles.some((r) => r.role === 'admin');
  const isBureau = me!.roles.some((r) => r.role === 'county_rural_bureau');
  // the security administrator and the auditor do not work cases: they see their own pages (and the public board)
  const worksCases = me!.roles.some((r) => !['security_admin', 'auditor'].includes(r.role));
  const home = worksCases
    ? null
    : me!.roles.some((r) => r.role === 'security_admin')
      ? '/security/users'
      : '/audit';
  const menu = [
    ...(worksCases ? MENU : MENU.filter((m) => m.key === '/public')),
    ...(isBureau ? [{ key: '/department-data', icon: <CloudUploadOutlined />, label: '部门数据' }] : []),
    ...(isAdmin ? [{ key: '/admin', icon: <SettingOutlined />, label: '配置' }] : []),
    ...(me!.roles.some((r) => r.role === 'security_admin')
      ? [{ key: '/security/users', icon: <TeamOutlined />, label: '用户与角色' }]
      : []),
    ...(me!.roles.some((r) => r.role === 'auditor')
      ? [{ key: '/audit', icon: <AuditOutlined />, label: '审计日志' }]
      : []),
  ];
  const selected = menu
    .map((m) => m.key)
    .filter((k) =>
      k === '/'
        ? location.pathname === '/' || location.pathname.startsWith('/tasks')
        : location.pathname.startsWith(k),
    );
  const role = me!.roles[0];
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Header
        style={{
          display: 'flex',
          alignItems: 'center',
          gap: 12,
          padding: mobile ? '0 12px' : '0 24px',
          background: '#a61d24',
        }}
      >
        <Link
          to="/"
          style={{ color: '#fff', fontWeight: 600, fontSize: mobile ? 16 : 18, whiteSpace: 'nowrap' }}
        >
          振兴{mobile ? '' : ' · 巩固脱贫成果信息平台'}
        </Link>
        <div style={{ flex: 1 }} />
        <Dropdown
          menu={{
            items: notes.length
              ? [
                  ...notes.slice(0, 8).map((n) => ({
                    key: n.id,
                    label: (
                      <span
                        style={{
                          maxWidth: 300,
                          display: 'inline-block',
                          whiteSpace: 'normal',
                          fontWeight: n.read ? 400 : 600,
                          color: n.read ? '#888' : undefined,
                        }}
                      >
                        {!n.read && <Badge status="error" style={{ marginRight: 6 }} />}
                        {/* which household and case, what happened, by when */}
                        {n.case_title ? `${n.case_title}：` : ''}
                        {n.message}
                        {n.due_at ? `（办理期限 ${fmt(n.due_at)}）` : ''}
                      </span>
                    ),
                    onClick: () => void openNote(n),
                  })),
                  ...(unread
                    ? [
                        { type: 'divider' as const },
                        {
                          key: 'read-all',
                          label: '全部标为已读',
                          onClick: () => void api.post('/api/notifications/read-all').then(loadNotes),
                        },
                      ]
                    : []),
                ]
              : [{ key: 'none', label: '暂无通知', disabled: true }],
          }}
        >
          <Button
            type="text"
            aria-label="通知"
            icon={
              <Badge count={unread} size="small">
                <BellOutlined style={{ color: '#fff', fontSize: 18 }} />
              </Badge>
            }
          />
        </Dropdown>
        <Typography.Text style={{ color: '#fff' }} ellipsis>
          {me!.user.name}
          {!mobile && role ? `（${role.org?.name ?? ''}${ROLE_NAMES[role.role] ?? role.role}）` : ''}
        </Typography.Text>
        <Button
          type="text"
          aria-label="退出登录"
          icon={<LogoutOutlined style={{ color: '#fff' }} />}
          onClick={() => logout().then(() => navigate('/login'))}
        >
          {mobile ? '' : <span style={{ color: '#fff' }}>退出</span>}
        </Button>
      </Layout.Header>
      <Layout>
        {!mobile && (
          <Layout.Sider width={180} theme="light">
            <Menu
              mode="inline"
              selectedKeys={selected}
              items={menu}
              onClick={(e) => navigate(e.key)}
              style={{ height: '100%', paddingTop: 8 }}
            />
          </Layout.Sider>
        )}
        <Layout.Content style={{ padding: mobile ? '12px 10px 72px' : 24, background: '#f5f6f8' }}>
          <Suspense fallback={loading}>
            <Routes>
              <Route path="/" element={home ? <Navigate to={home} replace /> : <Inbox />} />
              <Route path="/tasks/:id" element={<TaskPage />} />
              <Route path="/cases" element={<Cases />} />
              <Route path="/cases/:id" element={<CasePage />} />
              <Route path="/cases/:id/print/:form" element={<PrintView />} />
              <Route path="/households" element={<Households />} />
              <Route path="/households/:id" element={<Households />} />
              <Route path="/registers/projects" element={<ProjectRegister />} />
              <Route path="/registers/asset-ledgers" element={<AssetLedgerRegister />} />
              <Route path="/dashboard" element={<Dashboard />} />
              <Route path="/department-data" element={<DepartmentData />} />
              <Route path="/security/users" element={<Users />} />
              <Route path="/audit" element={<Audit />} />
              <Route path="/admin" element={<AdminHome />} />
              <Route path="/admin/calendar" element={<HolidayCalendar />} />
              <Route path="/admin/org-tree" element={<OrgTree />} />
              <Route path="/admin/overlays" element={<Overlays />} />
              <Route path="/admin/forms/:key" element={<FormDesigner />} />
              <Route path="/admin/processes/:key" element={<ProcessDesigner />} />
              <Route path="/login" element={<Navigate to="/" replace />} />
              <Route path="*" element={<Navigate to="/" replace />} />
            </Routes>
          </Suspense>
        </Layout.Content>
      </Layout>
      {mobile && (
        <nav
          aria-label="主菜单"
          style={{
            position: 'fixed',
            bottom: 0,
            left: 0,
            right: 0,
            display: 'flex',
            background: '#fff',
            borderTop: '1px solid #eee',
            zIndex: 10,
          }}
        >
          {menu.map((m) => (
            <Link
              key={m.key}
              to={m.key}
              style={{
                flex: 1,
                textAlign: 'center',
                padding: '8px 0',
                fontSize: 12,
                color: selected.includes(m.key) ? '#a61d24' : '#555',
              }}
            >
              <div style={{ fontSize: 18 }}>{m.icon}</div>
              {m.label}
            </Link>
          ))}
        </nav>
      )}
    </Layout>
  );
}
