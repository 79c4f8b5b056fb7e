import { useEffect, useState } from 'react';
import { api } from './api';
import { fill, type TI18n } from './i18n';

/** One row of GET /api/notifications. */
export interface TNotificationItem {
  id: string;
  kind: 'TASK_OPENED' | 'TASK_URGED' | 'TASK_REMINDED' | 'TASK_ESCALATED' | 'DECISION';
  title: string;
  params: { projectName?: string; action?: string; actorName?: string };
  projectId: string | null;
  taskId: string | null;
  readAt: string | null;
  createdAt: string;
}

const CHANGED = 'bangfu:notifications-changed';
/** Tells the bell that notifications were read here, so it counts again at once. */
export const notificationsChanged = () => window.dispatchEvent(new Event(CHANGED));

/** The bell's unread count: fetched on mount, every `everyMs`, and whenever notifications change here. */
export function useUnreadCount(everyMs = 30_000): number {
  const [unread, setUnread] = useState(0);
  useEffect(() => {
    let current = true;
    const load = () =>
      void api<{ unread: number }>('/api/notifications/unread-count').then(
        (r) => current && setUnread(r.unread),
        () => undefined,
      );
    load();
    const timer = window.setInterval(load, everyMs);
    window.addEventListener(CHANGED, load);
    return () => {
      current = false;
      window.clearInterval(timer);
      window.removeEventListener(CHANGED, load);
    };
  }, [everyMs]);
  return unread;
}

/** A notification in the reader's language, from its kind and params (the task's title is data). */
export function notificationText(n: TNotificationItem, { t }: TI18n): string {
  const actions = t.notifications.actions;
  const action = n.params.action?.toUpperCase() ?? '';
  return fill(t.notifications.text[n.kind] ?? '', {
    project: n.params.projectName ?? '',
    title: n.title,
    actor: n.params.actorName ?? t.notifications.someone,
    action: actions[action] ?? actions.other ?? '',
  });
}
