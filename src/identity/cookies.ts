// First-party cookies: one place that decides the attributes and the domain, and that refuses to
// write anything but a validated value. Values are read and written byte for byte: a token must go
// back exactly as the server set it, never decoded, and what we write never needs encoding.
import { nanoid } from 'nanoid';

export interface CookieJar {
  get(name: string): string | undefined;
  /** Every value the page sees for the name, in the browser's order: one per domain and path it is set on. */
  getAll(name: string): string[];
  /** Writes the cookie; false when the value is not safe to write or the browser refused it. */
  set(name: string, value: string, days: number): boolean;
  /** Deletes the cookie on every domain and path this page can see it under. */
  remove(name: string): void;
}

/** Values we ever write: ids and tokens, nothing that needs encoding or could smuggle attributes. */
const SAFE_VALUE = /^[\w.-]{1,3800}$/;
/** Every value the page sees for `name`, in the browser's order (deepest path first, then oldest). */
const valuesOf = (name: string): string[] =>
  document.cookie
    .split('; ')
    .filter((pair) => pair.startsWith(name + '='))
    .map((pair) => pair.slice(name.length + 1));

/** Writes one cookie (RFC 6265 attributes, `Name=Value` each). */
const write = (name: string, value: string, attributes: string[]) => {
  document.cookie = [`${name}=${value}`, ...attributes].join('; ');
};

const isIpOrSingleLabel = (host: string) => !host.includes('.') || /^[\d.]+$|:/.test(host);

/** The widest domain this page may set a cookie on (`a.shop.example.co.uk` → `example.co.uk`). */
function widestDomain(host: string): string | undefined {
  if (isIpOrSingleLabel(host)) return undefined;
  const probe = `slotwise_probe_${nanoid(6)}`;
  const labels = host.split('.');
  // From the shortest suffix up: the first one the browser accepts is just below the public suffix.
  for (let i = labels.length - 2; i >= 0; i--) {
    const domain = labels.slice(i).join('.');
    const scope = [`Domain=${domain}`, 'Path=/'];
    write(probe, '1', [...scope, 'SameSite=Lax']);
    if (valuesOf(probe).length) {
      write(probe, '', [...scope, 'Max-Age=-1']);
      return domain;
    }
  }
  return undefined;
}

export function createCookieJar(domainOption: string): CookieJar {
  let domain: string | undefined | null = null; // null: not probed yet (probing writes a cookie)
  const attributes = () => {
    if (domain === null)
      domain =
        domainOption === 'auto' ? widestDomain(location.hostname) : domainOption === 'host' ? undefined : domainOption;
    // Secure only on https, so plain-http development hosts still keep the id.
    return [
      'Path=/',
      'SameSite=Lax',
      ...(location.protocol === 'https:' ? ['Secure'] : []),
      ...(domain ? [`Domain=${domain}`] : []),
    ];
  };
  // document.cookie throws in sandboxed iframes: then there are simply no cookies.
  const safely = <T>(use: () => T, otherwise: T): T => {
    try {
      return use();
    } catch {
      return otherwise;
    }
  };
  return {
    get: (name) => safely(() => valuesOf(name)[0], undefined),
    getAll: (name) => safely(() => valuesOf(name), []),
    set: (name, value, days) =>
      SAFE_VALUE.test(value) &&
      safely(() => {
        write(name, value, [...attributes(), `Max-Age=${Math.round(days * 86400)}`]);
        return valuesOf(name)[0] === value;
      }, false),
    // A cookie the page sees was set host-only or on a parent domain, with a path that prefixes
    // this one; which, document.cookie does not say, so every candidate gets a deletion (another
    // script's cookie, such as Sitecore Engage's, may use other ones than ours). The browser
    // ignores a public suffix or an IP address as a domain. Max-Age=-1, not 0: both expire the
    // cookie by RFC 6265, but some cookie jars keep a 0 as an empty value.
    remove: (name) =>
      safely(() => {
        const labels = location.hostname.split('.');
        const path = location.pathname + '/';
        // "/", "/a", "/a/", "/a/b", "/a/b/" for "/a/b".
        for (let at = 0; at >= 0; at = path.indexOf('/', at + 1))
          for (const prefix of [path.slice(0, at) || '/', path.slice(0, at + 1)])
            for (const domain of [[], ...labels.slice(0, -1).map((_, i) => [`Domain=${labels.slice(i).join('.')}`])])
              write(name, '', ['Max-Age=-1', `Path=${prefix}`, ...domain]);
      }, undefined),
  };
}
