// The RichRelevance / Algonomy `rcs` token: kept in the first-party cookie `rr_rcs` and sent back
// exactly as last served. It is case-sensitive and has no length cap, so it is never trimmed or
// re-encoded. The Personalize API documentation calls it alphanumeric, yet its own example
// carries `_`: letters, digits, `_` and `-` (the URL-safe base64 alphabet) are kept, anything
// that could change a cookie or a URL is refused.
import type { CookieJar } from './cookies';

export const RCS_COOKIE = 'rr_rcs';

export const isRcs = (value: unknown): value is string =>
  typeof value == 'string' && /^[\w-]+$/.test(value);

export interface RcsStore {
  get(): string | undefined;
  /** Stores a token from a response; false (and nothing written) when it is not a valid token. */
  set(value: unknown): boolean;
  /**
  Takes a turn for a request about to be sent: the returned function stores that request's token
  unless the answer to a later request has stored one already, so calls that race leave the
  token of the latest request, whatever order their answers arrive in.
  */
  turn(): (value: unknown) => boolean;
}

export function createRcsStore(jar: CookieJar, days: number): RcsStore {
  // The newest token also lives here, for tokens too long for a cookie (the API sets no cap).
  let newest: string | undefined;
  /** Turns taken, and the latest turn whose token was stored. */
  let taken = 0;
  let stored = 0;
  const store: RcsStore = {
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
    turn() {
      const mine = ++taken;
      return (value) => {
        if (mine < stored || !isRcs(value)) return false;
        stored = mine;
        return store.set(value);
      };
    },
  };
  return store;
}
