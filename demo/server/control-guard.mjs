// @ts-check
// Who may use the /sandbox/ control routes. They read and wipe what the sandbox holds (identity
// emails, the request log, the event log), so unlike the vendor routes, which answer any site as
// the real APIs do, they answer only the sandbox's own pages and the origins it is given (the demo
// storefront's). Any other page the developer visits gets no CORS grant and no Private Network
// Access grant, so it cannot read them, and a request that would change something is refused
// (403) before it runs when a page could have forged it: a foreign or cross-site sender, or a
// CORS-simple POST (a form, a `no-cors` fetch, text/plain), which a browser sends without asking.
// A client that is not a browser (curl, a test's fetch) sends neither Origin nor Sec-Fetch-Site,
// and no page can make a browser send a POST without Origin (the Fetch standard always adds it).

import { header, mediaType } from './http.mjs';

/** @param {string} path the raw request path */
export const isControlPath = (path) => path === '/sandbox' || path.startsWith('/sandbox/');

/** Host names that cannot be re-pointed by DNS: loopback names, and addresses themselves. */
const FIXED_HOST = /^(?:localhost|[\w.-]+\.localhost|\d{1,3}(?:\.\d{1,3}){3}|\[[0-9a-f:.]+\])$/i;

/**
 * @param {{ origins: Set<string>, host: string }} options `origins`: the origins besides the
 *   sandbox's own (read on every request, so one added later counts); `host`: the listening host
 */
export function createControlGuard({ origins, host }) {
  /**
   * The sandbox's own origin as this request addressed it, when the Host is one DNS cannot
   * re-point at it (a rebinding page would otherwise be "same-origin"); null otherwise.
   * @param {import('node:http').IncomingMessage} req
   */
  function ownOrigin(req) {
    let url;
    try {
      url = new URL(`http://${req.headers.host ?? ''}`);
    } catch {
      return null;
    }
    const known = url.hostname === host.toLowerCase() || [...origins].some((o) => safeHostname(o) === url.hostname);
    return FIXED_HOST.test(url.hostname) || known ? url.origin : null;
  }

  /** @param {import('node:http').IncomingMessage} req @param {string} origin */
  const allowed = (req, origin) => origin === ownOrigin(req) || origins.has(origin);

  return {
    /**
     * The origin to grant CORS to on a control route: the request's, if it may; else null.
     * @param {import('node:http').IncomingMessage} req
     */
    corsOrigin(req) {
      const origin = header(req.headers, 'origin');
      return origin !== undefined && allowed(req, origin) ? origin : null;
    },

    /**
     * Why the request is refused (answered 403), or null when it may run.
     * @param {import('node:http').IncomingMessage} req
     * @param {string} method upper case
     */
    refusal(req, method) {
      if (!ownOrigin(req)) {
        return `the control routes answer only at a loopback or IP address (Host: ${JSON.stringify(req.headers.host ?? '')})`;
      }
      const origin = header(req.headers, 'origin');
      if (origin !== undefined && !allowed(req, origin)) {
        return `${origin} may not use the sandbox's control routes: only its own pages${origins.size ? ` and ${[...origins].join(', ')}` : ''} may (the controlOrigins option)`;
      }
      if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return null;
      const site = header(req.headers, 'sec-fetch-site');
      if (site === 'cross-site') return `a cross-site ${method} may not change the sandbox`;
      if ((origin !== undefined || site !== undefined) && method === 'POST' && mediaType(req) !== 'application/json') {
        return 'a POST from a page must be sent as Content-Type: application/json: a form or no-cors request, which any site can make, is refused';
      }
      return null;
    },
  };
}

/** @param {string} origin */
function safeHostname(origin) {
  try {
    return new URL(origin).hostname;
  } catch {
    return '';
  }
}
