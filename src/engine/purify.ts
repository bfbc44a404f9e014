import type { Policy } from '../types/parts';
// DOMPurify as both builds use it: <style> goes (it would restyle the whole page), as it does with
// Element.setHTML in content.ts, and parsing runs through our Trusted Types policy when there is one.

type Purify = { sanitize(html: string, options: object): unknown };

export const purifyWith =
  (purify: Purify) =>
  (html: string, policy?: Policy): string =>
    String(purify.sanitize(html, { FORBID_TAGS: ['style'], ...(policy ? { TRUSTED_TYPES_POLICY: policy } : {}) }));
