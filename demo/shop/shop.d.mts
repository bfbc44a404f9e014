// Types for TypeScript callers of shop.mjs (the Playwright fixture).
import type { SandboxOptions } from '../server/types.js';

/** The demo storefront's routes, for `createSandbox({ routes })`. */
export declare function shopRoutes(options?: { snippetFile?: string; tagOptions?: Record<string, unknown> }): NonNullable<SandboxOptions['routes']>;
