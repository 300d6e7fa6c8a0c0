/**
 * 入户核实 the field app at /field: made for a phone first. 今日任务 (download today's tasks, what is kept
 * offline and since when), a task screen (附件2 with the one form renderer, the verifier's own 入户核实记录
 * with photos, location and two signatures, what the other verifier already submitted), and 待同步 (the
 * queue, sent in order when the network comes back, conflicts shown with both versions).
 */
import { lazy, Suspense } from 'react';
import { Link, Route, Routes, useNavigate } from 'react-router-dom';
import { Button, Layout, Spin, Tag } from 'antd';
import { LeftOutlined, LogoutOutlined } from '@ant-design/icons';
import { useSession } from '../session';
import { FieldProvider, useField } from './context';
import Today from './Today';
// the task screen carries the form renderer: loaded when a task is opened (precached for offline use)
const FieldTaskPage = lazy(() => import('./FieldTask'));

function Header({ back }: { back?: boolean }) {
  const { me, logout } = useSession();
  const { online, queue } = useField();
  const navigate = useNavigate();
  const waiting = queue.filter(([, q]) => q.state === 'pending').length;
  return (
    <Layout.Header
      style={{
        display: 'flex',
        alignItems: 'center',
        gap: 8,
        padding: '0 12px',
        background: '#a61d24',
        position: 'sticky',
        top: 0,
        zIndex: 10,
      }}
    >
      {back && (
        <Button
          type="text"
          aria-label="返回今日任务"
          icon={<LeftOutlined style={{ color: '#fff' }} />}
          onClick={() => navigate('/field')}
        />
      )}
      <Link to="/field" style={{ color: '#fff', fontWeight: 600, fontSize: 16, whiteSpace: 'nowrap' }}>
        振兴·入户核实
      </Link>
      <div style={{ flex: 1 }} />
      <Tag color={online ? 'green' : 'default'} style={{ marginInlineEnd: 0 }} data-testid="net-state">
        {online ? '在线' : '离线'}
      </Tag>
      {waiting > 0 && (
        <Tag color="orange" style={{ marginInlineEnd: 0 }}>
          待同步 {waiting}
        </Tag>
      )}
      <span
        style={{
          color: '#fff',
          maxWidth: 80,
          overflow: 'hidden',
          textOverflow: 'ellipsis',
          whiteSpace: 'nowrap',
        }}
      >
        {me?.user.name}
      </span>
      <Button
        type="text"
        aria-label="退出登录"
        icon={<LogoutOutlined style={{ color: '#fff' }} />}
        onClick={() => logout().then(() => navigate('/login?next=%2Ffield'))}
      />
    </Layout.Header>
  );
}

export default function FieldApp() {
  return (
    <FieldProvider>
      <Layout style={{ minHeight: '100vh', background: '#f5f6f8' }}>
        <Routes>
          <Route
            path="/field/tasks/:id"
            element={
              <>
                <Header back />
                <Suspense fallback={<Spin style={{ display: 'block', margin: 48 }} />}>
                  <FieldTaskPage />
                </Suspense>
              </>
            }
          />
          <Route
            path="*"
            element={
              <>
                <Header />
                <Today />
              </>
            }
          />
        </Routes>
      </Layout>
    </FieldProvider>
  );
}
