// One Trusted Types policy, named `slotwise`, for every HTML and script-URL sink the tag writes
// to. It only ever receives HTML that was sanitized, HTML the site declared trusted
// (`html: 'trusted'`), or the URL of our own sanitizer chunk.
type Policy = { createHTML(html: string): string; createScriptURL(url: string): string };
let policy: Policy | undefined;

function thePolicy(): Policy {
  const factory = (window as unknown as { trustedTypes?: { createPolicy(name: string, rules: Policy): Policy } }).trustedTypes;
  return (policy ??= factory?.createPolicy('slotwise', { createHTML: (html) => html, createScriptURL: (url) => url }) ?? {
    createHTML: (html) => html,
    createScriptURL: (url) => url,
  });
}

export const trustedHTML = (html: string) => thePolicy().createHTML(html);
export const trustedScriptURL = (url: string) => thePolicy().createScriptURL(url);
