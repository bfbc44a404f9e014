// The browser id: one per visitor and site key, in the first-party cookie `bid_<clientKey>`
// (the name Sitecore's own SDK uses, so visitors survive a migration), mirrored to localStorage
// so an evicted cookie comes back with the same value. It is only ever written with a valid,
// non-empty value: a failed create leaves nothing behind and is tried again later. A visitor of a
// site moving from Sitecore Engage keeps Engage's id; Engage's empty cookie (written for two years
// when its create call fails) and any second copy are deleted, so exactly one good id remains.
import { nanoid } from 'nanoid';
import { request } from '../shared/http';
import { browserCreateRequest, browserIdCookie, browserRefOf, isBrowserId } from '../codecs/sitecore';
import type { CookieJar } from './cookies';
import { withLock } from '../shared/lock';
import type { Store } from '../shared/store';
import type { Settings } from '../types/options';

export interface BrowserIds {
  /** The id we have, restored from storage or a legacy cookie if needed; never creates one. */
  current(): string | undefined;
  /** The id, created (once, across tabs) when there is none; undefined when creating failed. */
  ensure(): Promise<string | undefined>;
}

export interface BrowserIdsOptions {
  settings: Settings;
  jar: CookieJar;
  /** Keeps the mirror of the id. */
  store: Store;
  /** The Web Lock under which one tab at a time creates the id. */
  lockName: string;
  /** Whether an id may be written now (consent, not destroyed). */
  allowed: () => boolean;
  /** Told when the API would not give an id (its status, 0 for no answer). */
  onCreateFailed: (status: number) => void;
}

export function createBrowserIds({
  settings,
  jar,
  store,
  lockName,
  allowed,
  onCreateFailed,
}: BrowserIdsOptions): BrowserIds {
  const name = browserIdCookie(settings.clientKey);
  const legacy = `BID_${settings.clientKey}`;
  const mirrorKey = 'bid';
  let memory: string | undefined;
  let creating: Promise<string | undefined> | undefined;

  const keep = (id: string) => {
    memory = id;
    if (jar.get(name) !== id) jar.set(name, id, settings.cookieExpiryDays);
    // Storage blocked: the cookie alone carries the id.
    store.set(mirrorKey, id);
    return id;
  };

  const current = (): string | undefined => {
    // Several copies (host-only and on the domain, or on other paths): the one this tag already
    // uses wins, else the first valid one the browser lists (deepest path, then oldest).
    const cookies = jar.getAll(name);
    const mirrored = store.get(mirrorKey);
    const fromLegacy = jar.get(legacy);
    const found = [mirrored && cookies.includes(mirrored) && mirrored, ...cookies, mirrored, fromLegacy, memory].find(
      isBrowserId,
    );
    if (fromLegacy !== undefined) jar.remove(legacy);
    // Anything but exactly the one id is cleared everywhere; `keep` then writes it once, on our domain.
    if (cookies.length > 1 || cookies.some((value) => value !== found)) jar.remove(name);
    return found && keep(found);
  };

  async function create(): Promise<string | undefined> {
    // Another tab may have made the id while we waited for the lock.
    const existing = current();
    if (existing) return existing;
    if (settings.browserId === 'local') return keep(nanoid());
    const answer = await request(browserCreateRequest(settings.target, settings.clientKey), {
      timeoutMs: settings.requestTimeoutMs,
    });
    const ref = answer.status === 200 ? browserRefOf(answer.json) : undefined;
    if (!ref) onCreateFailed(answer.status);
    // Consent may have been withdrawn while the request was out: then nothing is written.
    return ref && allowed() ? keep(ref) : undefined;
  }

  return {
    current,
    ensure() {
      const id = current();
      if (id) return Promise.resolve(id);
      creating ??= withLock(lockName, create).finally(() => (creating = undefined));
      return creating;
    },
  };
}
