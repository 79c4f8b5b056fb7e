import { useCallback, useState } from 'react';
import { Alert, Badge, Button, Flex, List, Tabs, Tag, Typography } from 'antd';
import { api } from '../api';
import { errorText } from '../errors';
import { fill, useI18n } from '../i18n';
import { formatInstant } from '../format';
import { notificationsChanged, notificationText, type TNotificationItem } from '../notifications';
import { linkTo } from '../router';
import { useApiGet } from '../use-api-get';

const KIND_COLOURS: Record<TNotificationItem['kind'], string> = {
  TASK_OPENED: 'blue',
  TASK_URGED: 'orange',
  TASK_REMINDED: 'gold',
  TASK_ESCALATED: 'red',
  DECISION: 'green',
};

/** 消息通知: my notifications, newest first, the unread ones marked; opening one's task marks it read. */
export function NotificationsPage() {
  const i18n = useI18n();
  const { t, lang } = i18n;
  const [view, setView] = useState<'all' | 'unread'>('all');
  const [page, setPage] = useState(1);
  const [version, setVersion] = useState(0);
  const { data, error, setError, loading } = useApiGet<{ items: TNotificationItem[]; total: number; unread: number }>(
    '/api/notifications',
    { page, pageSize: 20, unread: view === 'unread' ? 'true' : undefined },
    i18n,
    version,
  );

  const markRead = useCallback(
    async (body: { ids: string[] } | { all: true }) => {
      try {
        await api('/api/notifications/read', { method: 'POST', body });
        notificationsChanged();
        setVersion((v) => v + 1);
      } catch (err) {
        setError(errorText(err, i18n));
      }
    },
    [i18n, setError],
  );

  return (
    <>
      <Flex justify="space-between" align="center" wrap gap={8}>
        <Typography.Title level={1} style={{ fontSize: 24, marginTop: 0 }}>
          {t.notifications.title}
        </Typography.Title>
        <Button disabled={!data?.unread} onClick={() => void markRead({ all: true })}>
          {t.notifications.markAllRead}
        </Button>
      </Flex>
      <Tabs
        activeKey={view}
        onChange={(v) => (setView(v as 'all' | 'unread'), setPage(1))}
        items={[
          { key: 'all', label: t.notifications.all },
          { key: 'unread', label: data ? `${t.notifications.unread} (${data.unread})` : t.notifications.unread },
        ]}
      />
      {error && <Alert type="error" message={error} showIcon style={{ marginBottom: 16 }} />}
      <List<TNotificationItem>
        className="notification-list"
        loading={loading}
        dataSource={data?.items ?? []}
        locale={{ emptyText: t.notifications.empty }}
        pagination={
          data && data.total > 20
            ? { current: page, pageSize: 20, total: data.total, onChange: setPage, showTotal: (n) => fill(t.notifications.total, { n }) }
            : false
        }
        renderItem={(n) => (
          <List.Item
            className={n.readAt ? 'notification read' : 'notification unread'}
            actions={[
              n.taskId && (
                <a key="open" {...linkTo(`/tasks/${encodeURIComponent(n.taskId)}`)} onClickCapture={() => !n.readAt && void markRead({ ids: [n.id] })}>
                  {t.notifications.open}
                </a>
              ),
              !n.readAt && (
                <Button key="read" type="link" size="small" onClick={() => void markRead({ ids: [n.id] })}>
                  {t.notifications.markRead}
                </Button>
              ),
            ].filter(Boolean)}
          >
            <List.Item.Meta
              avatar={<Badge status={n.readAt ? 'default' : 'processing'} text={n.readAt ? t.notifications.read : t.notifications.unread} />}
              title={
                <Flex gap={8} align="center" wrap>
                  <Tag color={KIND_COLOURS[n.kind]}>{t.notifications.kinds[n.kind]}</Tag>
                  <span>{notificationText(n, i18n)}</span>
                </Flex>
              }
              description={formatInstant(n.createdAt, lang)}
            />
          </List.Item>
        )}
      />
    </>
  );
}
