// Checks on values of unknown shape (API answers, callers' arguments, stored entries). Pure.

/** A string with something in it. */
export const isText = (value: unknown): value is string => typeof value === 'string' && /\S/.test(value);

/** A plain object (not null, not an array). */
export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && !!value && !Array.isArray(value);
