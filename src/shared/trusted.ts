// One Trusted Types policy, named `slotwise`, for every HTML and script-URL sink the tag writes
// to. It only ever receives HTML that was sanitized, HTML the site declared trusted
// (`html: 'trusted'`), or the URL of our own sanitizer chunk.
import type { Policy } from '../types/parts';

const identity: Policy = { createHTML: (html) => html, createScriptURL: (url) => url };
/** Deliberately module-level: the page allows one policy of a name, made on first use and shared. */
let policy: Policy | undefined;

/** The `slotwise` policy where the browser has Trusted Types (DOMPurify parses through it too). */
export function trustedTypesPolicy(): Policy | undefined {
  const factory = (window as { trustedTypes?: { createPolicy(name: string, rules: Policy): Policy } }).trustedTypes;
  return (policy ??= factory?.createPolicy('slotwise', identity));
}

const thePolicy = () => trustedTypesPolicy() ?? identity;

export const trustedHTML = (html: string) => thePolicy().createHTML(html);
export const trustedScriptURL = (url: string) => thePolicy().createScriptURL(url);
