// Sitecore CDP wire format (Sitecore CDP's REST and event APIs): browser ids and events, which every
// page uses. Personalize flows are in sitecore-flows.ts, loaded only by pages that run one. Pure:
// builds requests and reads responses; no fetch, no cookies, no DOM.
import { isObject } from '../shared/is';
import { isSuccess } from '../shared/http-status';
import type { Message, WireRequest } from '../types/wire';

/** The browser id's cookie: the name Sitecore's own SDK uses, so visitors survive a migration. */
export const browserIdCookie = (clientKey: string) => `bid_${clientKey}`;

/** Browser ids we accept from the API or a cookie: never empty, nothing a cookie can't hold. */
export const isBrowserId = (value: unknown): value is string =>
  typeof value === 'string' && /^[\w.-]{1,128}$/.test(value);

/** `GET {target}/v1.2/browser/create.json?client_key=K&message={}` — answers `{ ref }`. */
export const browserCreateRequest = (target: string, clientKey: string): WireRequest => ({
  method: 'GET',
  url: `${target}/v1.2/browser/create.json?client_key=${encodeURIComponent(clientKey)}&message={}`,
});

/** The new browser id from a create.json answer, or undefined when it carries none we can store. */
export const browserRefOf = (json: unknown): string | undefined => {
  const ref = isObject(json) && json.ref;
  return isBrowserId(ref) ? ref : undefined;
};

export const jsonHeaders = () => ({ 'content-type': 'application/json' });

/**
One event as a request. `stream` POSTs the JSON body; `legacy` is the event API's GET form (`event/create.json`),
which is a CORS "simple" request and so costs no preflight.
*/
export function eventRequest(target: string, message: Message, transport: 'stream' | 'legacy'): WireRequest {
  const json = JSON.stringify(message);
  return transport === 'legacy'
    ? {
        method: 'GET',
        url: `${target}/v1.2/event/create.json?client_key=${encodeURIComponent(String(message.client_key))}&message=${encodeURIComponent(json)}`,
        redirect: 'error',
      }
    : {
        method: 'POST',
        url: `${target}/v1.2/events`,
        headers: jsonHeaders(),
        body: json,
        redirect: 'error',
      };
}

/**
Did the event API store the event? Only its own acknowledgement says so: a 2xx JSON answer with
`status: "OK"` and the stored event's `ref`. Any other 2xx (a proxy's HTML page, a 204, broken
JSON) did not come from the API.
*/
export const eventAcknowledged = (status: number, json: unknown): boolean =>
  isSuccess(status) && isObject(json) && json.status === 'OK' && typeof json.ref === 'string' && json.ref !== '';

/** Every `utm_*` query parameter of the URL, with its name lower-cased. */
export function utmParams(url: string): Record<string, string> {
  const utm: Record<string, string> = {};
  new URL(url).searchParams.forEach((value, name) => {
    name = name.toLowerCase();
    if (name.startsWith('utm_')) utm[name] = value;
  });
  return utm;
}
