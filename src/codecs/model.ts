// The normalized decision model: what every vendor's answer becomes, so the renderer and SPA
// code never see a vendor format.
import { SlotwiseError, type FailReason } from '../types/errors';
import { isHttp, isText } from '../shared/is';
import type { Creative } from '../types/decision';

/**
A thrown value or any other as text for a message: a symbol, an object whose toString throws.
Codecs load in files of their own and import only pure checks, so they do not share shared/args.ts's
`shown`, which shows a caller's argument as JSON (a string in quotes) and shorter.
*/
export function shown(value: unknown): string {
  try {
    return String(value instanceof Error ? value.message : value).slice(0, 200);
  } catch {
    return typeof value;
  }
}

/**
A codec step that throws nothing but a SlotwiseError: what else its input makes it throw (a getter
that throws, a cycle or a BigInt for JSON, a value that is no string) becomes one with `reason`,
naming the step and the problem, so the call resolves with it instead of breaking the page.
*/
export const guarded =
  <A extends unknown[], R>(reason: FailReason, what: string, step: (...args: A) => R) =>
  (...args: A): R => {
    try {
      return step(...args);
    } catch (error) {
      throw error instanceof SlotwiseError ? error : new SlotwiseError(reason, `${what}: ${shown(error)}`);
    }
  };

/** A link or image URL that can only ever load or navigate: http(s), absolute or a path. */
const isWebUrl = (value: string) => {
  try {
    return isHttp(new URL(value, 'https://page.invalid/'));
  } catch {
    return false;
  }
};

/** A creative from loosely named fields (`imageUrl`/`image`, `href`/`url`/`link`, …); only strings kept. */
export function creativeOf(item: Record<string, unknown>): Creative {
  const creative: Creative = {};
  const pick = (field: keyof Creative, ...names: string[]) => {
    const value = names.map((name) => item[name]).find(isText);
    // javascript:, data: and the like are never kept as a URL, not even for page code to use.
    if (value && (!/^(imageUrl|href)$/.test(field) || isWebUrl(value))) creative[field] = value;
  };
  pick('id', 'id');
  pick('imageUrl', 'imageUrl', 'image', 'imageURL');
  pick('href', 'href', 'url', 'link');
  pick('alt', 'alt', 'altText');
  pick('text', 'text', 'title', 'name');
  pick('size', 'size');
  return creative;
}
