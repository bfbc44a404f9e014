// The RichRelevance / Algonomy `rcs` token: kept in the first-party cookie `rr_rcs` and sent back
// exactly as last served. It is case-sensitive and has no length cap, so it is never trimmed or
// re-encoded. The Personalize API documentation calls it alphanumeric, yet its own example
// carries `_`: letters, digits, `_` and `-` (the URL-safe base64 alphabet) are kept, anything
// that could change a cookie or a URL is refused.
import type { CookieJar } from './cookies';

export const RCS_COOKIE = 'rr_rcs';

export const isRcs = (value: unknown): value is string => typeof value === 'string' && /^[\w-]+$/.test(value);

export interface RcsStore {
  get(): string | undefined;
  /** Stores a token from a response; false (and nothing written) when it is not a valid token. */
  set(value: unknown): boolean;
}

export function createRcsStore(jar: CookieJar, days: number): RcsStore {
  // The newest token also lives here, for tokens too long for a cookie (the API sets no cap).
  let newest: string | undefined;
  return {
    get() {
      const value = newest ?? jar.get(RCS_COOKIE);
      return isRcs(value) ? value : undefined;
    },
    set(value) {
      if (!isRcs(value)) return false;
      newest = value;
      // An unchanged token is not written again: the server's copy (serverCookies) keeps its life.
      return jar.get(RCS_COOKIE) === value || jar.set(RCS_COOKIE, value, days);
    },
  };
}
