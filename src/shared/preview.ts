// Marketer preview: `?slotwise_preview=<value>` shows the page as the value tells the decision
// APIs (the sandbox reads an audience and forced campaigns from it; the tag never parses it). It
// lasts for the tab's session, `?slotwise_preview=` (empty) ends it, and every decision request
// made under it carries it, so the APIs can keep preview traffic out of their counts.

import type { Store } from './store';

export const PREVIEW_PARAM = 'slotwise_preview';
/** Where the tab's session store keeps it. */
const PREVIEW_NAME = 'preview';

/** The preview in force for this tab (kept in its session store); the URL's value, when there is one, replaces it. */
export function previewValue(session: Store): string | undefined {
  const given = new URLSearchParams(location.search).get(PREVIEW_PARAM);
  // Without session storage the value is kept in memory: the preview lasts as long as the page.
  if (given === '') session.remove(PREVIEW_NAME);
  else if (given != null) session.set(PREVIEW_NAME, given);
  return session.get(PREVIEW_NAME) || undefined;
}

export const withPreview = (url: string, value: string) =>
  `${url}${url.includes('?') ? '&' : '?'}${PREVIEW_PARAM}=${encodeURIComponent(value)}`;

/** Leaves the preview: forgets it and reloads the page without it. */
export function endPreview(session: Store): void {
  session.remove(PREVIEW_NAME);
  const url = new URL(location.href);
  url.searchParams.delete(PREVIEW_PARAM);
  location.assign(url.href);
}
