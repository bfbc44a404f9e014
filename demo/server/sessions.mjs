// @ts-check
// Session and cart rules, applied to one guest's in-memory state. Pure (no I/O, no clock):
// times come in as arguments, so the durable log replays to exactly the same state.

/**
 * @typedef {import('./types.js').CartItem} CartItem
 * @typedef {import('./types.js').Identity} Identity
 * @typedef {{ seq: number, at: number, ref: string, eventId: string | null, duplicateOf: string | null,
 *   type: string, sessionId: number, message: Record<string, any> }} StoredEvent
 * @typedef {{ id: number, status: 'OPEN' | 'CLOSED', startedAt: number, lastEventAt: number,
 *   closedAt: number | null, closedBy: 'FORCE_CLOSE' | 'TIMEOUT' | null, purchased: boolean,
 *   cart: CartItem[], abandonedValue: number | null }} SessionState
 * @typedef {{ browserId: string, guestRef: string, clientKey: string, createdAt: number,
 *   identity: Identity | null, events: StoredEvent[], sessions: SessionState[],
 *   impressions: import('./types.js').ImpressionCount[], duplicates: number }} GuestState
 */

const PURCHASE_TYPES = new Set(['CONFIRM', 'CHECKOUT', 'PAYMENT']);

/** @param {number} n */
export const roundCents = (n) => Math.round(n * 100) / 100;

/**
 * @param {GuestState} guest
 * @returns {SessionState | undefined}
 */
export function openSession(guest) {
  const last = guest.sessions[guest.sessions.length - 1];
  return last && last.status === 'OPEN' ? last : undefined;
}

/**
 * Closes the open session if it has been idle for `timeoutMs` as of `now`. Called lazily (on
 * the next event or on a read) instead of by a timer; the close time is when it expired.
 * @param {GuestState} guest
 * @param {number} now
 * @param {number} timeoutMs
 */
export function settle(guest, now, timeoutMs) {
  const session = openSession(guest);
  if (session && now - session.lastEventAt >= timeoutMs) {
    close(session, session.lastEventAt + timeoutMs, 'TIMEOUT');
  }
}

/**
 * @param {SessionState} session
 * @param {number} at
 * @param {'FORCE_CLOSE' | 'TIMEOUT'} by
 */
function close(session, at, by) {
  session.status = 'CLOSED';
  session.closedAt = at;
  session.closedBy = by;
  session.abandonedValue =
    session.purchased || session.cart.length === 0
      ? 0
      : roundCents(session.cart.reduce((sum, item) => sum + item.price * item.quantity, 0));
}

/**
 * Files an accepted event into the guest's timeline and session.
 * @param {GuestState} guest
 * @param {Omit<StoredEvent, 'sessionId'>} event
 * @param {number} timeoutMs
 * @returns {StoredEvent}
 */
export function applyEvent(guest, event, timeoutMs) {
  settle(guest, event.at, timeoutMs);
  let session = openSession(guest);
  if (!session) {
    session = {
      id: guest.sessions.length + 1,
      status: 'OPEN',
      startedAt: event.at,
      lastEventAt: event.at,
      closedAt: null,
      closedBy: null,
      purchased: false,
      cart: [],
      abandonedValue: null,
    };
    guest.sessions.push(session);
  }
  session.lastEventAt = event.at;
  const stored = { ...event, sessionId: session.id };
  guest.events.push(stored);

  const m = event.message;
  if (event.type === 'ADD') addToCart(session.cart, m.product, m.currency);
  else if (event.type === 'CLEAR_CART') session.cart = [];
  else if (PURCHASE_TYPES.has(event.type)) session.purchased = true;
  else if (event.type === 'IDENTITY') {
    guest.identity = {
      email: m.email ?? null,
      firstname: m.firstname ?? null,
      lastname: m.lastname ?? null,
      identifiers: m.identifiers ?? [],
    };
  } else if (event.type === 'FORCE_CLOSE') {
    // The FORCE_CLOSE event belongs to the session it closes.
    close(session, event.at, 'FORCE_CLOSE');
  }
  return stored;
}

/**
 * Same item (item_id, else productId, else name) → quantities add up; latest name/price win.
 * @param {CartItem[]} cart
 * @param {Record<string, any>} product validated: has one of item_id/productId/name
 * @param {unknown} eventCurrency
 */
function addToCart(cart, product, eventCurrency) {
  const key = String(product.item_id || product.productId || product.name);
  const quantity = typeof product.quantity === 'number' ? product.quantity : 1;
  const price = typeof product.price === 'number' ? product.price : 0;
  const currency = product.currency ?? (typeof eventCurrency === 'string' ? eventCurrency : null);
  const existing = cart.find((item) => item.item_id === key);
  if (existing) {
    existing.quantity += quantity;
    existing.price = price;
    existing.name = product.name ?? existing.name;
    existing.currency = currency ?? existing.currency;
  } else {
    cart.push({ item_id: key, name: product.name ?? null, quantity, price, currency });
  }
}
