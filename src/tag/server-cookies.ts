// The site's server re-sets our cookies, where Safari does not cap them at 7 days (its limit on
// cookies written by script): when the browser id cookie was missing (so it was written by script
// just now) or a day has passed. Once per page, as soon as consent allows (at start, or when it
// is granted later).
import { request } from '../shared/http';
import { browserIdCookie } from '../codecs/sitecore';
import { isSuccess } from '../shared/http-status';
import type { CookieJar } from '../identity/cookies';
import type { BrowserIds } from '../identity/browser-id';
import type { Store } from '../shared/store';
import type { Settings } from '../types/options';

const DAY_MS = 86_400_000;

export interface ServerCookieRefreshOptions {
  settings: Settings;
  jar: CookieJar;
  ids: BrowserIds;
  /** Keeps the time of the last refresh. */
  store: Store;
  /** Whether this tab may send (consent, not destroyed). */
  allowed: () => boolean;
}

/** Returns `refresh`: asks the server (`settings.serverCookies`) once, the first time it is called while `allowed`. */
export function serverCookieRefresh({ settings, jar, ids, store, allowed }: ServerCookieRefreshOptions): () => void {
  // Read now, before the tag writes the cookie.
  const hadCookie = jar.get(browserIdCookie(settings.clientKey));
  let asked = !settings.serverCookies;
  return () => {
    if (asked || !allowed()) return;
    asked = true;
    ids
      .ensure()
      .then(async (id) => {
        if (!id || (hadCookie && Date.now() - Number(store.get('cookies')) < DAY_MS)) return;
        const { status } = await request(
          { method: 'POST', url: settings.serverCookies },
          { timeoutMs: settings.requestTimeoutMs },
        );
        if (isSuccess(status) && allowed()) store.set('cookies', String(Date.now()));
      })
      .catch(() => {}); // whatever failed is asked again on the next page
  };
}
