// Sitecore CDP / Personalize wire format (Sitecore CDP's REST and event APIs, Personalize flows). Pure: builds
// requests and reads responses; no fetch, no cookies, no DOM.
import { isObject } from '../shared/is';
import { creativeOf, guarded } from './model';
import type { Content, Decision } from '../types/decision';
import { isSuccess } from '../shared/http-status';
import type { Settings } from '../types/options';
import type { FlowCall, Message, WireRequest } from '../types/wire';

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

const jsonHeaders = () => ({ 'content-type': 'application/json' });

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

/**
`POST {target}/v2/callFlows` (Sitecore Personalize flow execution): exactly one of browserId, email or identifiers, and
`params.utm.{campaign,source,medium,content,…}` from the visitor's URL unless the caller gave it.
*/
export const flowRequest = /*#__PURE__*/ guarded(
  'invalid',
  'flow()',
  (settings: Settings, call: FlowCall, browserId: string, url: string): WireRequest => {
    const utm: Record<string, string> = {};
    for (const [name, value] of Object.entries(utmParams(url))) utm[name.slice(4)] = value;
    const params = { ...call.params };
    if (!params.utm && Object.keys(utm).length) params.utm = utm;
    const who = call.email
      ? { email: call.email }
      : call.identifiers
        ? { identifiers: call.identifiers }
        : { browserId };
    return {
      method: 'POST',
      url: `${settings.target}/v2/callFlows`,
      headers: jsonHeaders(),
      body: JSON.stringify({
        clientKey: settings.clientKey,
        channel: settings.channel,
        language: settings.language,
        currencyCode: settings.currency,
        pointOfSale: settings.pointOfSale,
        friendlyId: call.friendlyId,
        ...who,
        ...(Object.keys(params).length ? { params } : {}),
      }),
    };
  },
);

/**
A flow's answer is whatever its template returns. For slots: a string `html` is HTML, a list of
creatives or offers (or a list at the top) is creatives, anything else is data for your code.
*/
export const flowDecision = /*#__PURE__*/ guarded(
  'rejected',
  "The flow API's answer",
  (slot: string, json: unknown): Decision => {
    const answer = isObject(json) ? json : {};
    const list: unknown[] | undefined = Array.isArray(json)
      ? json
      : [answer.creatives, answer.offers].find(Array.isArray);
    let content: Content | null = { kind: 'json', data: json };
    if (typeof answer.html === 'string') content = answer.html.trim() ? { kind: 'html', html: answer.html } : null;
    else if (list) {
      // Only items with something to show are creatives; a list of data (skus, prices) stays data.
      const items = list
        .filter(isObject)
        .map(creativeOf)
        .filter((item) => item.imageUrl || item.text);
      if (items.length) content = { kind: 'creative', items };
    } else if (json == null || (isObject(json) && !Object.keys(json).length)) content = null;
    const decision: Decision = { slot, source: 'flow', content };
    if (typeof answer.campaign === 'string') decision.campaign = answer.campaign;
    // What impressions name as the creative: the first item shown, else the answer's own id.
    const creative = (content?.kind === 'creative' && content.items[0]?.id) || answer.id;
    if (typeof creative === 'string' && creative) decision.creative = creative;
    return decision;
  },
);
