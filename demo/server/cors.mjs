// @ts-check
// CORS as a vendor API would answer it: the tag runs on the shop's origin and calls the API
// cross-origin, so every response (faulted ones too) must carry these headers or the browser
// reports a CORS error instead of the status the test injected.

/** Exactly the custom headers Sitecore's SDKs send; any other custom header fails the preflight. */
export const API_ALLOWED_HEADERS = 'content-type, x-library-version, x-client-software-id, x-sc-correlation-id';
/**
 * The decision APIs also allow Accept: Adobe's decision-response Accept value has quotes and
 * colons, so it is not CORS-safelisted. Never Authorization or x-api-key: a browser tag must
 * not hold those, and a failed preflight is how it finds out.
 */
export const DECISION_ALLOWED_HEADERS = `${API_ALLOWED_HEADERS}, accept`;
const DECISION_PATHS = /^\/(?:v2\/callFlows|v1\/personalize|decisions)$|^\/rrserver\//;

/**
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res
 * @param {string} path
 */
export function applyCors(req, res, path) {
  const origin = req.headers.origin;
  res.setHeader('Access-Control-Allow-Origin', origin || '*');
  res.setHeader('Vary', 'Origin');
  res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
  res.setHeader(
    'Access-Control-Allow-Headers',
    DECISION_PATHS.test(path) ? DECISION_ALLOWED_HEADERS : API_ALLOWED_HEADERS,
  );
  // Without this, browser code cannot read Retry-After on a cross-origin 429/503.
  res.setHeader('Access-Control-Expose-Headers', 'Retry-After');
  res.setHeader('Access-Control-Max-Age', '600');
}

/**
 * CORS for the /sandbox/ control routes: granted to `origin` only (one the control guard allows),
 * with DELETE and a JSON Content-Type; nothing at all for any other origin.
 * @param {import('node:http').ServerResponse} res
 * @param {string | null} origin
 */
export function applyControlCors(res, origin) {
  res.setHeader('Vary', 'Origin');
  if (origin === null) return;
  res.setHeader('Access-Control-Allow-Origin', origin);
  res.setHeader('Access-Control-Allow-Methods', 'GET, POST, DELETE, OPTIONS');
  res.setHeader('Access-Control-Allow-Headers', 'content-type');
  res.setHeader('Access-Control-Max-Age', '600');
}

/**
 * Answers a preflight. Never faulted: a failed preflight looks like a network error to the
 * page, which is not what a status fault is meant to test.
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res
 * @param {boolean} [privateNetwork] grant Private Network Access when asked
 */
export function answerPreflight(req, res, privateNetwork = true) {
  // Chromium's Private Network Access asks before a public page calls a local server: granted on
  // the vendor routes (any site may call them), never on the control routes.
  if (privateNetwork && req.headers['access-control-request-private-network'] === 'true') {
    res.setHeader('Access-Control-Allow-Private-Network', 'true');
  }
  res.setHeader('Content-Length', '0');
  res.writeHead(204);
  res.end();
}
