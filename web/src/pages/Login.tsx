import { useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { api, ApiError, setCsrf } from '../api';
import { useSession } from '../session';

export default function Login() {
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const { reload } = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const submit = async (v: { username: string; password: string }) => {
    setBusy(true);
    setError(undefined);
    try {
      const r = await api.post<{ csrfToken: string }>('/api/auth/login', v);
      setCsrf(r.csrfToken);
      await reload();
      navigate(params.get('next') || '/', { replace: true });
    } catch (e) {
      setError(e instanceof ApiError ? e.title : '网络异常，请稍后重试');
    } finally {
      setBusy(false);
    }
  };
  return (
    <div
      style={{
        minHeight: '100vh',
        display: 'flex',
        alignItems: 'center',
        justifyContent: 'center',
        background: 'linear-gradient(160deg,#a61d24 0%,#d4380d 45%,#f5f6f8 45%)',
        padding: 16,
      }}
    >
      <Card style={{ width: 380, maxWidth: '100%', boxShadow: '0 8px 24px rgba(0,0,0,.12)' }}>
        <Typography.Title level={3} style={{ textAlign: 'center', marginBottom: 4 }}>
          振兴
        </Typography.Title>
        <Typography.Paragraph type="secondary" style={{ textAlign: 'center' }}>
          巩固拓展脱贫攻坚成果信息平台
        </Typography.Paragraph>
        {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} role="alert" />}
        <Form layout="vertical" onFinish={submit} requiredMark={false}>
          <Form.Item label="用户名" name="username" rules={[{ required: true, message: '请输入用户名' }]}>
            <Input prefix={<UserOutlined />} autoComplete="username" size="large" />
          </Form.Item>
          <Form.Item label="密码" name="password" rules={[{ required: true, message: '请输入密码' }]}>
            <Input.Password prefix={<LockOutlined />} autoComplete="current-password" size="large" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block size="large" loading={busy}>
            登录
          </Button>
        </Form>
        <Typography.Paragraph type="secondary" style={{ marginTop: 16, fontSize: 12, textAlign: 'center' }}>
          群众查看公示、提出异议请访问 <a href="/public">公示栏</a>
        </Typography.Paragraph>
      </Card>
    </div>
  );
}
