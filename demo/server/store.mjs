// @ts-check
// Guests, their events and sessions, and the durable log they are rebuilt from.
// Every accepted guest creation, event, Algonomy impression/click and offline order is appended to
// `events.ndjson` (synchronously, before the API answers), so whatever the sandbox acknowledged
// survives a restart; start-up replays the log through the same code path.

import { appendFileSync, existsSync, mkdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { applyEvent, openSession, roundCents, settle } from './sessions.mjs';
import { isPlainObject, validateEvent } from './validate.mjs';
import { validateOfflineOrder } from './orders.mjs';

/**
 * @typedef {import('./types.js').Store} Store
 * @typedef {import('./types.js').Timeline} Timeline
 * @typedef {import('./sessions.mjs').GuestState} GuestState
 * @typedef {{ kind: 'guest', at: number, browserId: string, guestRef: string, clientKey: string }} GuestRecord
 * @typedef {{ kind: 'event', at: number, ref: string, clientKey: string, message: Record<string, any> }} EventRecord
 * @typedef {{ kind: 'track', at: number, browserId: string, action: 'impression' | 'click', placement: string,
 *   campaign: string }} TrackRecord
 * @typedef {{ kind: 'order', at: number, id?: string, refCode: string, browserId: string | null,
 *   body: import('./types.js').OfflineOrderBody }} OrderRecord `id` is absent from logs written before orders had one
 * @typedef {OrderRecord & { id: string, duplicateOf: string | null }} StoredOrder
 * @typedef {GuestRecord | EventRecord | TrackRecord | OrderRecord} LogRecord
 * @typedef {import('./types.js').OfflineOrderEntry} OfflineOrderEntry
 * @typedef {import('./types.js').GuestQuery} GuestQuery
 */

/**
 * @param {{ dataDir: string, sessionTimeoutMs: number, dedupeEvents?: boolean, warn?: (msg: string) => void }} options
 *   `dedupeEvents`: keep one event per `ext.eventId`, a leniency no vendor documents; by default
 *   every request is stored, as Sitecore's event API does, and a repeat is only marked.
 * @returns {Store}
 */
export function createStore({ dataDir, sessionTimeoutMs, dedupeEvents = false, warn = (msg) => console.warn(msg) }) {
  mkdirSync(dataDir, { recursive: true });
  const logPath = join(dataDir, 'events.ndjson');

  /** @type {Map<string, GuestState>} */
  const guests = new Map();
  /** clientKey → ext.eventId → ref of the first stored event: repeats are marked (or, deduping, refused). */
  /** @type {Map<string, Map<string, string>>} */
  const seen = new Map();
  let seq = 0;
  /** Optimizely offline orders, every one in the order received; a repeated refCode is marked. */
  /** @type {StoredOrder[]} */
  let orders = [];
  /** refCode → id of the first order stored with it. */
  /** @type {Map<string, string>} */
  const orderRefs = new Map();

  /** @param {OrderRecord} r */
  function applyOrder(r) {
    const id = r.id ?? `${r.refCode}@${r.at}`;
    const duplicateOf = orderRefs.get(r.refCode) ?? null;
    if (!duplicateOf) orderRefs.set(r.refCode, id);
    orders.push({ ...r, id, duplicateOf });
  }

  /** @param {GuestRecord} r */
  function applyGuest(r) {
    if (guests.has(r.browserId)) return;
    guests.set(r.browserId, {
      browserId: r.browserId,
      guestRef: r.guestRef,
      clientKey: r.clientKey,
      createdAt: r.at,
      identity: null,
      events: [],
      sessions: [],
      impressions: [],
      duplicates: 0,
    });
  }

  /** @param {TrackRecord} r */
  function applyTrack(r) {
    const guest = guests.get(r.browserId);
    if (!guest) return;
    let row = guest.impressions.find((i) => i.placement === r.placement && i.campaign === r.campaign);
    if (!row) guest.impressions.push((row = { placement: r.placement, campaign: r.campaign, count: 0, clicks: 0 }));
    if (r.action === 'click') row.clicks++;
    else row.count++;
  }

  /** @param {EventRecord} r */
  function applyEventRecord(r) {
    const guest = guests.get(r.message.browser_id);
    if (!guest) return; // cannot happen: the guest record is written first
    const eventId = eventIdOf(r.message);
    let duplicateOf = null;
    if (eventId) {
      let byId = seen.get(r.clientKey);
      if (!byId) seen.set(r.clientKey, (byId = new Map()));
      duplicateOf = byId.get(eventId) ?? null;
      if (!duplicateOf) byId.set(eventId, r.ref);
    }
    if (duplicateOf) guest.duplicates++;
    const stored = { seq: ++seq, at: r.at, ref: r.ref, eventId, duplicateOf, type: r.message.type, message: r.message };
    applyEvent(guest, stored, sessionTimeoutMs);
  }

  /** @param {LogRecord[]} records */
  function append(records) {
    appendFileSync(logPath, records.map((r) => JSON.stringify(r) + '\n').join(''));
  }

  function replay() {
    if (!existsSync(logPath)) return;
    const text = readFileSync(logPath, 'utf8');
    // A crash mid-append leaves a torn last line (no trailing newline). That request was never
    // acknowledged, so cutting it off loses nothing and keeps later appends on their own line.
    const torn = text.length > 0 && !text.endsWith('\n');
    const end = torn ? text.lastIndexOf('\n') + 1 : text.length;
    if (torn) {
      warn(`sandbox: dropping an unfinished last line of ${logPath}`);
      truncateSync(logPath, Buffer.byteLength(text.slice(0, end)));
    }
    // A record the code cannot apply (written by an older, laxer sandbox, or edited by hand) is
    // skipped and reported, never fatal: the sandbox starts with everything else, and the line
    // stays in the file for whoever wants to look at it.
    let skipped = 0;
    /** @param {number} i @param {string} reason */
    const skip = (i, reason) => {
      skipped++;
      warn(`sandbox: skipping line ${i + 1} of ${logPath}: ${reason}`);
    };
    text
      .slice(0, end)
      .split('\n')
      .forEach((line, i) => {
        if (!line.trim()) return;
        /** @type {LogRecord} */
        let record;
        try {
          record = JSON.parse(line);
        } catch {
          return skip(i, 'not valid JSON');
        }
        const problem = recordProblem(record);
        if (problem) return skip(i, problem);
        try {
          if (record.kind === 'guest') applyGuest(record);
          else if (record.kind === 'event') applyEventRecord(record);
          else if (record.kind === 'track') applyTrack(record);
          else applyOrder(record);
        } catch (err) {
          skip(i, `could not be applied (${/** @type {Error} */ (err)?.message})`);
        }
      });
    if (skipped)
      warn(`sandbox: ${skipped} record${skipped === 1 ? '' : 's'} of ${logPath} skipped; the others are loaded`);
  }

  replay();

  return {
    logPath,

    createGuest(clientKey) {
      /** @type {GuestRecord} */
      const record = { kind: 'guest', at: Date.now(), browserId: randomUUID(), guestRef: randomUUID(), clientKey };
      append([record]);
      applyGuest(record);
      return { browserId: record.browserId, guestRef: record.guestRef };
    },

    hasGuest(browserId) {
      return guests.has(browserId);
    },

    guestRef(browserId) {
      return guests.get(browserId)?.guestRef ?? null;
    },

    recordEvent(clientKey, message) {
      const eventId = eventIdOf(message);
      const prior = eventId ? seen.get(clientKey)?.get(eventId) : undefined;
      if (prior && dedupeEvents) return { ref: prior, duplicate: true };

      const at = Date.now();
      /** @type {Array<GuestRecord | EventRecord>} */
      const records = [];
      // Tags may mint their own browser ids; the first event for one creates the guest.
      if (!guests.has(message.browser_id)) {
        records.push({ kind: 'guest', at, browserId: message.browser_id, guestRef: randomUUID(), clientKey });
      }
      /** @type {EventRecord} */
      const event = { kind: 'event', at, ref: randomUUID(), clientKey, message };
      records.push(event);
      append(records);
      for (const r of records) r.kind === 'guest' ? applyGuest(r) : applyEventRecord(r);
      return { ref: event.ref, duplicate: !!prior };
    },

    timeline(browserId) {
      const guest = guests.get(browserId);
      if (!guest) return null;
      settle(guest, Date.now(), sessionTimeoutMs);
      return toTimeline(
        guest,
        orders.filter((o) => o.browserId === browserId),
      );
    },

    findGuest(query) {
      /** @type {(g: GuestState) => boolean} */
      let test;
      if ('browserId' in query) return guests.has(query.browserId) ? query.browserId : null;
      if ('guestRef' in query) test = (g) => g.guestRef === query.guestRef;
      else if ('email' in query) {
        const email = query.email.toLowerCase();
        test = (g) =>
          g.identity?.email?.toLowerCase() === email ||
          (g.identity?.identifiers ?? []).some(
            (i) => i.provider.toLowerCase() === 'email' && i.id.toLowerCase() === email,
          );
      } else {
        const { id, provider } = query.identifier;
        test = (g) =>
          (g.identity?.identifiers ?? []).some(
            (i) => i.id === id && (provider === undefined || i.provider === provider),
          );
      }
      // One person, several browsers: the one seen last is the one to personalize for.
      let best = null;
      let bestAt = -1;
      for (const g of guests.values()) {
        const at = g.events.at(-1)?.at ?? g.createdAt;
        if (at >= bestAt && test(g)) [best, bestAt] = [g.browserId, at];
      }
      return best;
    },

    recordTracking(browserId, action, placement, campaign) {
      if (!guests.has(browserId)) return false;
      /** @type {TrackRecord} */
      const record = { kind: 'track', at: Date.now(), browserId, action, placement, campaign };
      append([record]);
      applyTrack(record);
      return true;
    },

    recordOrder(body, browserId, dedupe = false) {
      const refCode = body.order.refCode;
      const prior = orderRefs.get(refCode);
      if (prior && dedupe) return { id: prior, duplicateOf: prior, stored: false };
      /** @type {OrderRecord} */
      const record = { kind: 'order', at: Date.now(), id: randomUUID(), refCode, browserId, body };
      append([record]);
      applyOrder(record);
      return { id: /** @type {string} */ (record.id), duplicateOf: prior ?? null, stored: true };
    },

    orders() {
      return orders.map(toOrderEntry);
    },

    guests() {
      return [...guests.values()].map((g) => ({
        browserId: g.browserId,
        guestRef: g.guestRef,
        clientKey: g.clientKey,
        createdAt: iso(g.createdAt),
        events: g.events.length,
        duplicates: g.duplicates,
        sessions: g.sessions.length,
      }));
    },

    reset() {
      guests.clear();
      seen.clear();
      seq = 0;
      orders = [];
      orderRefs.clear();
      writeFileSync(logPath, '');
    },
  };
}

/** @param {unknown} v */
const isText = (v) => typeof v === 'string' && v.length > 0;

/**
 * Why a record read back from the log cannot be applied; null when it can. Events and orders
 * pass the rules they were accepted by, so a record the live API would refuse is refused here too.
 * @param {unknown} record
 * @returns {string | null}
 */
export function recordProblem(record) {
  if (!isPlainObject(record)) return 'not a record object';
  if (!Number.isFinite(record.at)) return 'at is not a time';
  switch (record.kind) {
    case 'guest':
      return isText(record.browserId) && isText(record.guestRef) && typeof record.clientKey === 'string'
        ? null
        : 'a guest record needs browserId, guestRef and clientKey';
    case 'event': {
      if (!isText(record.ref) || !isText(record.clientKey)) return 'an event record needs ref and clientKey';
      if (!isPlainObject(record.message)) return 'the event is not an object';
      // The record does not say whether it came through the Edge, whose rules are laxer on a few fields.
      const invalid = validateEvent(record.message, record.clientKey, false);
      const edgeInvalid = invalid && validateEvent(record.message, record.clientKey, true);
      return edgeInvalid && invalid ? `the event is invalid: ${invalid.message}` : null;
    }
    case 'track':
      return isText(record.browserId) &&
        isText(record.placement) &&
        isText(record.campaign) &&
        (record.action === 'impression' || record.action === 'click')
        ? null
        : 'a tracking record needs browserId, placement, campaign and action';
    case 'order': {
      if (!isText(record.refCode) || !(record.browserId === null || isText(record.browserId)))
        return 'an order record needs refCode and browserId';
      if (record.id !== undefined && !isText(record.id)) return 'the order id is not a string';
      if (!isPlainObject(record.body)) return 'the order is not an object';
      const invalid = validateOfflineOrder(record.body);
      return invalid ? `the order is invalid: ${invalid.message}` : null;
    }
    default:
      return `unknown kind ${JSON.stringify(record.kind)?.slice(0, 50)}`;
  }
}

/** @param {Record<string, any>} message */
function eventIdOf(message) {
  const id = message.ext?.eventId;
  return typeof id === 'string' && id ? id : null;
}

/** @param {number} ms */
const iso = (ms) => new Date(ms).toISOString();

/**
 * @param {StoredOrder} r
 * @returns {OfflineOrderEntry}
 */
function toOrderEntry(r) {
  return structuredClone({
    id: r.id,
    refCode: r.refCode,
    duplicateOf: r.duplicateOf,
    receivedAt: iso(r.at),
    browserId: r.browserId,
    body: r.body,
  });
}

/**
 * The JSON view: ISO times, copies (callers cannot mutate the store).
 * @param {GuestState} guest
 * @param {StoredOrder[]} orders the guest's offline orders
 * @returns {Timeline}
 */
function toTimeline(guest, orders) {
  const sessions = guest.sessions.map((s) => ({
    id: s.id,
    status: s.status,
    startedAt: iso(s.startedAt),
    lastEventAt: iso(s.lastEventAt),
    closedAt: s.closedAt === null ? null : iso(s.closedAt),
    closedBy: s.closedBy,
    purchased: s.purchased,
    cart: s.cart.map((item) => ({ ...item })),
    abandonedValue: s.abandonedValue,
  }));
  const open = openSession(guest);
  return structuredClone({
    browserId: guest.browserId,
    guestRef: guest.guestRef,
    clientKey: guest.clientKey,
    createdAt: iso(guest.createdAt),
    identity: guest.identity,
    duplicates: guest.duplicates,
    events: guest.events.map((e) => ({
      seq: e.seq,
      ref: e.ref,
      receivedAt: iso(e.at),
      eventId: e.eventId,
      duplicateOf: e.duplicateOf,
      type: e.type,
      sessionId: e.sessionId,
      message: e.message,
    })),
    sessions,
    cart: open ? open.cart : [],
    abandonedValue: roundCents(guest.sessions.reduce((sum, s) => sum + (s.abandonedValue ?? 0), 0)),
    impressions: guest.impressions,
    offlineOrders: orders.map(toOrderEntry),
  });
}
