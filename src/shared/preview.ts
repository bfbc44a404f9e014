// Marketer preview: `?slotwise_preview=<value>` shows the page as the value tells the decision
// APIs (the sandbox reads an audience and forced campaigns from it; the tag never parses it). It
// lasts for the tab's session, `?slotwise_preview=` (empty) ends it, and every decision request
// made under it carries it, so the APIs can keep preview traffic out of their counts.

export const PREVIEW_PARAM = 'slotwise_preview';

/** The preview in force for this tab, if any; the URL's value, when there is one, replaces it. */
export function previewValue(key: string): string | undefined {
  const given = new URLSearchParams(location.search).get(PREVIEW_PARAM);
  try {
    if (given != null) given ? sessionStorage.setItem(key, given) : sessionStorage.removeItem(key);
    return sessionStorage.getItem(key) || undefined;
  } catch {
    return given || undefined; // no session storage: the preview lasts as long as the URL has it
  }
}

export const withPreview = (url: string, value: string) =>
  `${url}${url.includes('?') ? '&' : '?'}${PREVIEW_PARAM}=${encodeURIComponent(value)}`;

/** Leaves the preview: forgets it and reloads the page without it. */
export function endPreview(key: string): void {
  try {
    sessionStorage.removeItem(key);
  } catch {
    // nothing stored
  }
  const url = new URL(location.href);
  url.searchParams.delete(PREVIEW_PARAM);
  location.assign(url.href);
}
