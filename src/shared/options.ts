import { SlotwiseError } from '../types/errors';
import { detach, shown } from './args';
import { isObjectLike, isScalar, isText } from './is';
import type { Settings, TagOptions } from '../types/options';

// The tables below are built when the module loads; /*#__PURE__*/ tells bundlers those calls do
// nothing else, so an app that never calls createTag (say, only isSlotwiseError) drops them.
export const DEFAULTS = /*#__PURE__*/ Object.freeze({
  channel: 'WEB',
  cookieDomain: 'auto',
  cookieExpiryDays: 400,
  consent: 'granted',
  browserId: 'server',
  transport: 'stream',
  revealAfterMs: 1000,
  html: 'sanitize',
  render: 'inline',
  nonce: '',
  autoPage: false,
  serverCookies: '',
  maxAttempts: 10,
  requestTimeoutMs: 10_000,
  deliveryTimeoutMs: 15_000,
} as const);

/** Something other than blanks, as isText has it. */
const text = { test: isText };
/** A client key names a cookie and storage keys; the server helpers hold it to the same rule. */
export const CLIENT_KEY = /^[\w-]{1,128}$/;
/** A cookie domain, as the tag and the server helpers accept it. */
export const DOMAIN = /^\.?[a-z0-9-]+(\.[a-z0-9-]+)*$/i;
const url = /^(https?:\/\/[^/]|\/(?!\/))/;
// [option, accepted values, what to say when it is not].
type Rule = [name: string, accepted: { test(value: string): boolean }, expected: string];
const oneOf = (name: string, values: string): Rule => [
  name,
  new RegExp(`^(${values})$`),
  `one of ${values.replace(/\|/g, ', ')}`,
];
const RULES: Rule[] = [
  ['clientKey', CLIENT_KEY, 'letters, digits, _ or -'],
  ['target', url, 'an http(s) URL or a path from /'],
  ['pointOfSale', text, 'a non-empty string'],
  /*#__PURE__*/ oneOf('channel', 'WEB|MOBILE_WEB|MOBILE_APP'),
  ['language', /^[a-z]{2}$/i, 'a two-letter ISO 639 code'],
  ['currency', /^[a-z]{3}$/i, 'a three-letter ISO 4217 code'],
  [
    'cookieDomain',
    { test: (value) => /^(auto|host)$/.test(value) || DOMAIN.test(value) },
    "'auto', 'host' or a domain",
  ],
  ['cookieExpiryDays', /^\d*\.?\d+$/, 'a positive number of days'],
  /*#__PURE__*/ oneOf('consent', 'pending|granted|denied'),
  /*#__PURE__*/ oneOf('browserId', 'server|local'),
  /*#__PURE__*/ oneOf('transport', 'stream|legacy'),
  ['revealAfterMs', /^\d+$/, 'a number of milliseconds'],
  /*#__PURE__*/ oneOf('html', 'sanitize|trusted'),
  /*#__PURE__*/ oneOf('render', 'inline|iframe'),
  ['nonce', /^[\w+/=-]*$/, 'a CSP nonce'],
  /*#__PURE__*/ oneOf('autoPage', 'true|false'),
  ['serverCookies', /^(\/(?![/\\])\S*)?$/, 'a path on this site, from /'],
];
const SECTIONS: Record<string, Rule[]> = {
  placements: [
    ['target', url, 'an http(s) URL or a path from /'],
    ['apiKey', text, 'your Algonomy API key'],
    ['apiClientKey', text, 'your Algonomy API client key'],
    // Optional: the site's own ids.
    .../*#__PURE__*/ ['userId', 'sessionId'].map((name): Rule => [name, /^\S*$/, 'an id without spaces']),
  ],
  offers: [
    ['target', url, 'a first-party proxy path (or URL) to the decisioning API'],
    ['identityNamespace', /^[\w.-]+$/, 'an identity namespace code'],
  ],
};

/** Checks `rules` on `source`, filling `into` with the values given or already there. */
function check(source: Record<string, unknown>, into: Record<string, unknown>, rules: Rule[], prefix = '') {
  for (const [name, accepted, expected] of rules) {
    const value = source[name] ?? into[name] ?? '';
    if (!isScalar(value) || !accepted.test(String(value))) throw invalidOption(prefix + name, expected, value);
    into[name] = value;
  }
}

export const invalidOption = (name: string, expected: string, value: unknown) =>
  new SlotwiseError('invalid', `Slotwise option "${name}" must be ${expected} (got ${shown(value)})`);

function pageLanguage(): string {
  const lang = typeof document === 'object' ? document.documentElement.lang : '';
  return /^[a-z]{2}\b/i.test(lang) ? lang.slice(0, 2) : 'EN';
}

/** Validates options and fills defaults; throws a `SlotwiseError` naming the bad option. */
export function resolveOptions(options: TagOptions): Settings {
  // Only the options we know, and only those given: the tuning limits are not options. Read
  // once: a getter or Proxy that throws is an invalid option, not an exception of its own.
  const given: unknown = detach(options, 'Slotwise options');
  if (!isObjectLike(given)) throw invalidOption('options', 'an object', options);
  const trim = (value: unknown) => String(value).replace(/\/+$/, '');
  const o: Record<string, unknown> = { ...DEFAULTS, language: pageLanguage() };
  check(given, o, RULES);
  for (const [name, rules] of Object.entries(SECTIONS)) {
    const section = given[name];
    if (section === undefined) continue;
    if (!isObjectLike(section)) throw invalidOption(name, 'an object', section);
    // Credentials for these APIs must never ship to browsers: say so rather than send them.
    if (
      name === 'offers' &&
      Object.keys(section).some((key) => /key|header|token|auth|secret/i.test(key) && key !== 'identityNamespace')
    )
      console.warn(
        'slotwise: never put API keys or Authorization headers for offers in the browser; use a first-party proxy that adds them',
      );
    const values: Record<string, unknown> = {};
    check(section, values, rules, name + '.');
    // Optional fields left empty are left out.
    o[name] = Object.freeze({
      ...Object.fromEntries(Object.entries(values).filter(([, value]) => value !== '')),
      target: trim(values.target),
    });
  }
  return Object.freeze({
    ...(o as unknown as Settings),
    target: trim(o.target),
    language: String(o.language).toUpperCase(),
    currency: String(o.currency).toUpperCase(),
    cookieExpiryDays: Math.min(400, Math.max(1, Number(o.cookieExpiryDays))),
    revealAfterMs: Number(o.revealAfterMs),
    autoPage: String(o.autoPage) === 'true',
  });
}
