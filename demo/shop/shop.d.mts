// Types for TypeScript callers of shop.mjs (the Playwright fixture).
import type { SandboxOptions } from '../server/types.js';

/** The demo storefront's routes, for `createSite({ routes })`; `api` is the vendor APIs' origin (the sandbox's URL). */
export declare function shopRoutes(options: {
  api: string;
  snippetFile?: string;
  tagOptions?: Record<string, unknown>;
}): NonNullable<SandboxOptions['routes']>;

/** The authentication header value the shop's tills send with offline orders (the sandbox's `orderAuth`). */
export declare const TILL_AUTH: string;

/** The shop's Content-Security-Policy header: scripts by nonce, the vendor APIs at `api`, Trusted Types with `policies`. */
export declare function strictCsp(options: { nonce: string; api: string; policies: string }): string;
