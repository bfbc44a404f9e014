// Types for TypeScript callers of sandbox.mjs (tests, the Playwright fixture).
// The types live in types.d.ts, which the JSDoc of the .mjs modules uses too.
import type { Sandbox, SandboxOptions } from './types.js';

export type * from './types.js';

export declare const DEFAULT_SESSION_TIMEOUT_MS: number;

/** Starts a sandbox and resolves once it listens on `options.host` (127.0.0.1). */
export declare function createSandbox(options: SandboxOptions): Promise<Sandbox>;

/** demo/catalog.json, the catalog used when `options.catalog` is not given. */
export declare const DEFAULT_CATALOG: string;
