// Types for TypeScript callers of preview.mjs (tests).
export interface Preview {
  audience?: string;
  utm?: string;
  force: Record<string, string | number>;
}
export interface GuestContext {
  audiences: Set<string>;
  utmCampaign: string | null;
  pageType: string | null;
  vars: Record<string, string | number>;
}
export declare const PREVIEW_PARAM: string;
export declare function previewOf(query: URLSearchParams): Preview | null;
export declare function previewed(guest: GuestContext, preview: Preview | null): GuestContext;
export declare function forced(preview: Preview | null, id: string): string | number | undefined;
