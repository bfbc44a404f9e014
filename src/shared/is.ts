// Checks on values of unknown shape (API answers, callers' arguments, stored entries). Pure.

/** A string with something in it. */
export const isText = (value: unknown): value is string => typeof value === 'string' && /\S/.test(value);

/** An http: or https: URL: one a link, an image or a ping may use. */
export const isHttp = (url: URL): boolean => /^https?:$/.test(url.protocol);

/** Any object, arrays included (not null): something with keys to read. */
export const isObjectLike = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && !!value;

/** A plain object (not null, not an array). */
export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && !!value && !Array.isArray(value);

/** A string, number or boolean: a value with a text of its own. */
export const isScalar = (value: unknown): value is string | number | boolean =>
  ['string', 'number', 'boolean'].includes(typeof value);
