import { useState } from 'react';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { LockOutlined, TranslationOutlined, UserOutlined } from '@ant-design/icons';
import { ZLoginBody } from '../../../http/schemas/auth-bodies';
import { api, type TMe } from '../api';
import { errorText } from '../errors';
import { useI18n } from '../i18n';
import { zodRule } from '../zod-form';

/** Sign-in: the session cookie comes back with the answer; the bearer token it also returns is for scripts and is dropped. */
export function LoginPage({ onSignedIn }: { onSignedIn: (me: TMe) => void }) {
  const i18n = useI18n();
  const { t, lang, setLang } = i18n;
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (values: { username: string; password: string }) => {
    setBusy(true);
    setError(undefined);
    try {
      const res = await api<{ user: TMe }>('/api/auth/login', { method: 'POST', body: values });
      onSignedIn(res.user);
    } catch (err) {
      setError(errorText(err, i18n));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="login-page">
      <Card className="login-card">
        <Typography.Title level={1} style={{ fontSize: 22 }}>
          {t.appTitle}
        </Typography.Title>
        <Typography.Paragraph type="secondary">{t.login.hint}</Typography.Paragraph>
        {error && <Alert type="error" message={error} showIcon role="alert" style={{ marginBottom: 16 }} />}
        <Form layout="vertical" requiredMark={false} onFinish={(v: { username: string; password: string }) => void submit(v)}>
          <Form.Item label={t.login.username} name="username" rules={[zodRule(ZLoginBody.shape.username, lang)]}>
            <Input prefix={<UserOutlined />} autoComplete="username" autoFocus />
          </Form.Item>
          <Form.Item label={t.login.password} name="password" rules={[zodRule(ZLoginBody.shape.password, lang)]}>
            <Input.Password prefix={<LockOutlined />} autoComplete="current-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={busy}>
            {t.login.submit}
          </Button>
        </Form>
        <Button
          type="link"
          icon={<TranslationOutlined />}
          lang={lang === 'zh' ? 'en' : 'zh-CN'}
          onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')}
          style={{ marginTop: 8, padding: 0 }}
        >
          {t.switchTo}
        </Button>
      </Card>
    </main>
  );
}
