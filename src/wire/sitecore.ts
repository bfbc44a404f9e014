// Sitecore CDP / Personalize wire format (DESIGN.md §3, seeds 000 and 004). Pure: builds
// requests and reads responses; no fetch, no cookies, no DOM.

/** An HTTP request as data, sent by `http.ts`. */
export interface WireRequest {
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  body?: string;
}

/** A Sitecore event message: base fields, the event's own fields and `ext`. */
export type Message = { type: string; ext: Record<string, unknown> } & Record<string, unknown>;

/** Browser ids we accept from the API or a cookie: never empty, nothing a cookie can't hold. */
export const isBrowserId = (value: unknown): value is string =>
  typeof value == 'string' && /^[\w.-]{1,128}$/.test(value);

/** `GET {target}/v1.2/browser/create.json?client_key=K&message={}` — answers `{ ref }`. */
export const browserCreateRequest = (target: string, clientKey: string): WireRequest => ({
  method: 'GET',
  url: `${target}/v1.2/browser/create.json?client_key=${encodeURIComponent(clientKey)}&message={}`,
});

/** The new browser id from a create.json answer, or undefined when it carries none we can store. */
export const browserRefOf = (json: unknown): string | undefined => {
  const ref = (json as { ref?: unknown } | null)?.ref;
  return isBrowserId(ref) ? ref : undefined;
};

/**
One event as a request. `stream` POSTs the JSON body; `legacy` is the GET form of seed 004,
which is a CORS "simple" request and so costs no preflight.
*/
export function eventRequest(
  target: string,
  message: Message,
  transport: 'stream' | 'legacy',
): WireRequest {
  const json = JSON.stringify(message);
  return transport == 'legacy'
    ? {
        method: 'GET',
        url: `${target}/v1.2/event/create.json?client_key=${encodeURIComponent(String(message.client_key))}&message=${encodeURIComponent(json)}`,
      }
    : {
        method: 'POST',
        url: `${target}/v1.2/events`,
        headers: { 'content-type': 'application/json' },
        body: json,
      };
}
