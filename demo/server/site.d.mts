// Types for TypeScript callers of site.mjs (the Playwright fixture).
import type { SandboxOptions } from './types.js';

export interface SiteOptions {
  /** @default 0 (any free port) */
  port?: number;
  /** @default '127.0.0.1' */
  host?: string;
  /** The site's pages and back-end routes, tried before static files. */
  routes?: SandboxOptions['routes'];
  /** URL prefix → directory, as the sandbox's `static`. */
  static?: Record<string, string>;
  /** Receives one line per request. */
  log?: (line: string) => void;
}

export interface Site {
  /** `http://127.0.0.1:PORT` */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Starts a site's own server (its pages on an origin of their own) and resolves once it listens. */
export declare function createSite(options?: SiteOptions): Promise<Site>;
