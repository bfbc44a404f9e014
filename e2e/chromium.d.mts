// Types for chromium.mjs, shared by the Playwright config and specs.
export declare const DEFAULT_CHROMIUM: string;
export declare const CHROMIUM_FLAGS: string[];
export declare function chromiumPath(): string;
