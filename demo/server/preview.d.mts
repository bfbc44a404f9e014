// Types for TypeScript callers of preview.mjs (tests).
import type { Catalog, PreviewReport } from './types.js';

export interface Preview {
  /** The value as given. */
  value: string;
  /** The visitor is in all of them; empty: the guest's own. */
  audiences: string[];
  utm: string | null;
  /** Forced choices as written: `slot=id`. */
  force: Array<{ slot: string; id: string }>;
  /** What could not be read, in sentences. */
  problems: string[];
}
export interface GuestContext {
  audiences: Set<string>;
  utmCampaign: string | null;
  pageType: string | null;
  vars: Record<string, string | number>;
}
export declare const PREVIEW_PARAM: string;
export declare const SAMPLE: Readonly<Record<string, string | number>>;
export declare function parsePreview(value: string): Preview;
export declare function previewOf(query: URLSearchParams): Preview | null;
export declare function previewed(guest: GuestContext, preview: Preview | null, currency?: string | null): GuestContext;
export declare function describePreview(preview: Preview, catalog: Catalog): PreviewReport;
