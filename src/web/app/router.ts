import { useSyncExternalStore } from 'react';

/**
 * The app's routes are real paths under /app/ (the server answers index.html for each), moved
 * between with the History API: a link can be opened in a new tab, and back and forward work.
 */
export const BASE = '/app';
const CHANGE = 'bangfu:navigate';

export function navigate(to: string, { replace = false } = {}) {
  const url = BASE + to;
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  window.dispatchEvent(new Event(CHANGE));
  window.scrollTo(0, 0);
}

const subscribe = (onChange: () => void) => {
  window.addEventListener('popstate', onChange);
  window.addEventListener(CHANGE, onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener(CHANGE, onChange);
  };
};
const current = () => location.pathname.slice(BASE.length) || '/';

/** The path below /app ("/", "/tasks/abc"), re-rendering on every navigation. */
export const usePath = () => useSyncExternalStore(subscribe, current);

/** The props of an <a> that navigates inside the app yet stays a real link (new tab, keyboard, screen readers). */
export function linkTo(to: string) {
  return {
    href: BASE + to,
    onClick: (e: { preventDefault(): void; metaKey: boolean; ctrlKey: boolean; shiftKey: boolean; button: number }) => {
      if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
      e.preventDefault();
      navigate(to);
    },
  };
}
