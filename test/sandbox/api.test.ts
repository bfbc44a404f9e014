// The Sitecore identity and event API as a tag (or Engage) uses it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CLIENT_KEY,
  UUID_V4,
  createBrowser,
  getEvent,
  guest,
  message,
  postEvent,
  startSandbox,
  without,
  type Started,
} from './helpers';

let sandbox: Started;
let base: string;
beforeAll(async () => {
  sandbox = await startSandbox();
  base = sandbox.url;
});
afterAll(() => sandbox.dispose());

const product = (item_id: string, price: number, quantity = 1) => ({
  item_id,
  name: `Product ${item_id}`,
  price,
  quantity,
  currency: 'EUR',
});

describe('browser/create.json', () => {
  it('answers a uuid ref in the Sitecore shape and creates the guest', async () => {
    const res = await createBrowser(base);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      ref: expect.stringMatching(UUID_V4),
      customer_ref: expect.stringMatching(UUID_V4),
      status: 'OK',
      version: '1.2',
      client_key: CLIENT_KEY,
    });
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const timeline = await guest(base, res.json.ref);
    expect(timeline).toMatchObject({
      browserId: res.json.ref,
      guestRef: res.json.customer_ref,
      clientKey: CLIENT_KEY,
      events: [],
      sessions: [],
      cart: [],
      abandonedValue: 0,
    });
  });

  it('gives every call a new browser', async () => {
    const [a, b] = await Promise.all([createBrowser(base), createBrowser(base)]);
    expect(a.json.ref).not.toBe(b.json.ref);
  });

  it('refuses a missing or empty client_key, and a missing or malformed message', async () => {
    for (const [query, field] of [
      ['message={}', 'client_key'],
      ['client_key=&message={}', 'client_key'],
      [`client_key=${CLIENT_KEY}`, 'message'],
      [`client_key=${CLIENT_KEY}&message=%7B`, 'message'],
      [`client_key=${CLIENT_KEY}&message=[]`, 'message'],
    ]) {
      const res = await fetch(`${base}/v1.2/browser/create.json?${query}`);
      expect(res.status, query).toBe(400);
      expect(await res.json()).toMatchObject({ status: 'error', field });
    }
  });
});

describe('browser/:ref/show.json', () => {
  it('answers the guest ref behind a browser ref', async () => {
    const { json: created } = await createBrowser(base);
    const res = await fetch(
      `${base}/v1.2/browser/${created.ref}/show.json?client_key=${CLIENT_KEY}&api_token=${CLIENT_KEY}`,
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ref: created.ref, customer: { ref: created.customer_ref } });
  });

  it('is a JSON 404 for an unknown ref', async () => {
    const res = await fetch(`${base}/v1.2/browser/nobody/show.json?client_key=${CLIENT_KEY}`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ status: 'error' });
  });
});

describe('events', () => {
  it('files VIEW, ADD and FORCE_CLOSE (POST and legacy GET) in order and closes the session with its abandoned value', async () => {
    const { json: created } = await createBrowser(base);
    const id = created.ref;
    const view = await postEvent(base, message(id, 'VIEW', { page: 'home' }));
    expect(view.status).toBe(200);
    expect(view.json).toEqual({
      ref: expect.stringMatching(UUID_V4),
      status: 'OK',
      version: '1.2',
      client_key: CLIENT_KEY,
    });
    expect((await postEvent(base, message(id, 'ADD', { product: product('SKU-1', 19.99, 2) }))).status).toBe(200);
    // The GET form of Sitecore's direct-request examples, with client_key only in the query.
    const withoutKey = without(message(id, 'ADD', { product: product('SKU-2', 5) }), 'client_key');
    const legacyAdd = await getEvent(base, withoutKey);
    expect(legacyAdd.status).toBe(200);
    const close = await getEvent(base, message(id, 'FORCE_CLOSE', { page: 'checkout' }));
    expect(close.status).toBe(200);

    const timeline = (await guest(base, id))!;
    expect(timeline.events.map((e) => e.type)).toEqual(['VIEW', 'ADD', 'ADD', 'FORCE_CLOSE']);
    expect(timeline.events[0]!.ref).toBe(view.json.ref);
    const seqs = timeline.events.map((e) => e.seq);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    expect(timeline.events[2]!.message).toEqual(withoutKey); // stored as received
    expect(timeline.sessions).toHaveLength(1);
    expect(timeline.sessions[0]).toMatchObject({
      status: 'CLOSED',
      closedBy: 'FORCE_CLOSE',
      purchased: false,
      cart: [
        { item_id: 'SKU-1', name: 'Product SKU-1', quantity: 2, price: 19.99, currency: 'EUR' },
        { item_id: 'SKU-2', name: 'Product SKU-2', quantity: 1, price: 5, currency: 'EUR' },
      ],
      abandonedValue: 44.98,
    });
    expect(timeline.events.every((e) => e.sessionId === timeline.sessions[0]!.id)).toBe(true);
    expect(timeline.cart).toEqual([]);
    expect(timeline.abandonedValue).toBe(44.98);
  });

  it('starts a new session with the first event after a FORCE_CLOSE', async () => {
    const { json: created } = await createBrowser(base);
    await postEvent(base, message(created.ref, 'FORCE_CLOSE'));
    await postEvent(base, message(created.ref, 'ADD', { product: product('A', 3) }));
    await postEvent(base, message(created.ref, 'ADD', { product: product('A', 3, 2) }));
    const timeline = (await guest(base, created.ref))!;
    expect(timeline.sessions.map((s) => s.status)).toEqual(['CLOSED', 'OPEN']);
    expect(timeline.sessions[0]!.abandonedValue).toBe(0);
    expect(timeline.cart).toEqual([{ item_id: 'A', name: 'Product A', quantity: 3, price: 3, currency: 'EUR' }]);
    expect(timeline.sessions[1]!.abandonedValue).toBeNull();
  });

  it('keys cart lines by item_id, else productId, else name, with quantity 1 by default', async () => {
    const { json: created } = await createBrowser(base);
    const id = created.ref;
    await postEvent(base, message(id, 'ADD', { product: { productId: 'P1', price: 1.1 } }));
    await postEvent(base, message(id, 'ADD', { product: { productId: 'P1', price: 1.1 } }));
    await postEvent(base, message(id, 'ADD', { product: { name: 'Mug', price: 2.25, quantity: 2 } }));
    const timeline = (await guest(base, id))!;
    expect(timeline.cart).toEqual([
      { item_id: 'P1', name: null, quantity: 2, price: 1.1, currency: 'EUR' },
      { item_id: 'Mug', name: 'Mug', quantity: 2, price: 2.25, currency: 'EUR' },
    ]);
  });

  it('does not count a purchased or cleared cart as abandoned', async () => {
    for (const type of ['CONFIRM', 'CHECKOUT', 'PAYMENT', 'CLEAR_CART']) {
      const { json: created } = await createBrowser(base);
      await postEvent(base, message(created.ref, 'ADD', { product: product('X', 10) }));
      await postEvent(
        base,
        message(created.ref, type, type === 'CHECKOUT' ? { reference_id: 'ORDER-1', status: 'PURCHASED' } : {}),
      );
      await postEvent(base, message(created.ref, 'FORCE_CLOSE'));
      const timeline = (await guest(base, created.ref))!;
      expect(timeline.sessions[0], type).toMatchObject({
        status: 'CLOSED',
        abandonedValue: 0,
        purchased: type !== 'CLEAR_CART',
      });
      expect(timeline.abandonedValue).toBe(0);
    }
  });

  it('keeps the latest IDENTITY', async () => {
    const { json: created } = await createBrowser(base);
    const identifiers = [{ id: 'jane@example.com', provider: 'email' }];
    await postEvent(base, message(created.ref, 'IDENTITY', { email: 'old@example.com', firstname: 'J', identifiers }));
    await postEvent(
      base,
      message(created.ref, 'IDENTITY', { email: 'jane@example.com', firstname: 'Jane', lastname: 'Doe', identifiers }),
    );
    expect((await guest(base, created.ref))!.identity).toEqual({
      email: 'jane@example.com',
      firstname: 'Jane',
      lastname: 'Doe',
      identifiers,
    });
  });

  it('creates the guest for a browser_id it never issued', async () => {
    const id = `client-made-${Date.now()}`;
    expect((await postEvent(base, message(id, 'VIEW'))).status).toBe(200);
    const timeline = (await guest(base, id))!;
    expect(timeline.guestRef).toMatch(UUID_V4);
    expect(timeline.clientKey).toBe(CLIENT_KEY);
    expect(timeline.events).toHaveLength(1);
    const show = await fetch(`${base}/v1.2/browser/${id}/show.json?client_key=${CLIENT_KEY}`);
    expect(((await show.json()) as { customer: { ref: string } }).customer.ref).toBe(timeline.guestRef);
  });

  it('takes JSON only: text/plain (a sendBeacon body) and other types get 415, bad JSON 400', async () => {
    const { json: created } = await createBrowser(base);
    for (const type of ['text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', '']) {
      const res = await postEvent(base, JSON.stringify(message(created.ref, 'VIEW')), type);
      expect(res.status, type).toBe(415);
      expect(res.json).toMatchObject({
        status: 'error',
        field: 'content-type',
        message: expect.stringContaining('application/json'),
      });
    }
    expect(
      (await postEvent(base, JSON.stringify(message(created.ref, 'VIEW')), 'application/json; charset=utf-8')).status,
    ).toBe(200);
    for (const body of ['{"type":', '', '[1]']) {
      const res = await postEvent(base, body);
      expect(res.status, body).toBe(400);
      expect(res.json).toMatchObject({ status: 'error', field: 'body' });
    }
    const legacy = await fetch(`${base}/v1.2/event/create.json?client_key=${CLIENT_KEY}&message=%7Bnope`);
    expect(legacy.status).toBe(400);
    expect(await legacy.json()).toMatchObject({ field: 'message' });
    expect((await guest(base, created.ref))!.events).toHaveLength(1);
  });

  it('takes a text/plain body only when asked to (textPlainEvents)', async () => {
    const lenient = await startSandbox({ textPlainEvents: true });
    try {
      const { json: created } = await createBrowser(lenient.url);
      const beacon = await postEvent(
        lenient.url,
        JSON.stringify(message(created.ref, 'VIEW')),
        'text/plain;charset=UTF-8',
      );
      expect(beacon.status).toBe(200);
      expect((await guest(lenient.url, created.ref))!.events).toHaveLength(1);
      expect((await postEvent(lenient.url, '{}', 'application/x-www-form-urlencoded')).status).toBe(415);
    } finally {
      await lenient.dispose();
    }
  });

  it('stores every request, as the real API does, and marks a repeated ext.eventId as a duplicate', async () => {
    const { json: created } = await createBrowser(base);
    const event = message(created.ref, 'ADD', { product: product('D', 7), ext: { eventId: 'evt_dup_1' } });
    const first = await postEvent(base, event);
    const again = await postEvent(base, event);
    const viaGet = await getEvent(base, event);
    expect(first.status).toBe(200);
    expect(again).toMatchObject({ status: 200, json: { status: 'OK' } });
    expect(new Set([first.json.ref, again.json.ref, viaGet.json.ref]).size).toBe(3);
    const timeline = (await guest(base, created.ref))!;
    expect(timeline.events.map((e) => e.duplicateOf)).toEqual([null, first.json.ref, first.json.ref]);
    expect(timeline.duplicates).toBe(2);
    // A doubled ADD doubles the cart, as it would at Sitecore.
    expect(timeline.cart[0]!.quantity).toBe(3);
    // Engage sends no eventId: identical events are all stored, none counted as a duplicate.
    const plain = message(created.ref, 'VIEW');
    await postEvent(base, plain);
    await postEvent(base, plain);
    const after = (await guest(base, created.ref))!;
    expect(after.events).toHaveLength(5);
    expect(after.duplicates).toBe(2);
  });

  it('keeps one event per ext.eventId only when asked to (dedupeEvents)', async () => {
    const lenient = await startSandbox({ dedupeEvents: true });
    try {
      const { json: created } = await createBrowser(lenient.url);
      const event = message(created.ref, 'ADD', { product: product('D', 7), ext: { eventId: 'evt_dedupe_1' } });
      const first = await postEvent(lenient.url, event);
      const again = await postEvent(lenient.url, event);
      expect(again.json.ref).toBe(first.json.ref);
      const timeline = (await guest(lenient.url, created.ref))!;
      expect(timeline.events).toHaveLength(1);
      expect(timeline.cart[0]!.quantity).toBe(1);
    } finally {
      await lenient.dispose();
    }
  });

  it('tells duplicates apart per client key', async () => {
    const id = `dup-keys-${Date.now()}`;
    const ext = { eventId: 'same-id' };
    await postEvent(base, message(id, 'VIEW', { ext }));
    await postEvent(base, message(id, 'VIEW', { ext, client_key: 'anotherClientKey' }));
    const timeline = (await guest(base, id))!;
    expect(timeline.events).toHaveLength(2);
    expect(timeline.duplicates).toBe(0);
  });

  it('accepts custom event types, and FORM as Engage sends it (no channel, currency, language or page)', async () => {
    const { json: created } = await createBrowser(base);
    expect((await postEvent(base, message(created.ref, 'WISHLIST_ADD_2'))).status).toBe(200);
    const form = {
      type: 'FORM',
      ext: { formId: 'contact_form', interactionType: 'SUBMITTED' },
      browser_id: created.ref,
      client_key: CLIENT_KEY,
      pos: 'sandbox/uk',
    };
    expect((await postEvent(base, form)).status).toBe(200);
    expect((await guest(base, created.ref))!.events.map((e) => e.type)).toEqual(['WISHLIST_ADD_2', 'FORM']);
  });

  it('refuses an event without currency with a 400 that says why, and stores nothing', async () => {
    const { json: created } = await createBrowser(base);
    const withoutCurrency = without(message(created.ref, 'ADD', { product: product('C', 5) }), 'currency');
    for (const res of [await postEvent(base, withoutCurrency), await getEvent(base, withoutCurrency)]) {
      expect(res.status).toBe(400);
      expect(res.json).toEqual({
        status: 'error',
        field: 'currency',
        message: expect.stringMatching(/3-letter ISO 4217 .*every event \(missing\)/),
      });
    }
    expect((await guest(base, created.ref))!.events).toEqual([]);
  });
});

describe('the Edge form (Sitecore Cloud SDK)', () => {
  const CONTEXT = 'sandbox-test-context-id';
  const ctx = `sitecoreContextId=${CONTEXT}`;
  const createEdge = async () => {
    const res = await fetch(`${base}/v1/events/v1.2/browser/create.json?${ctx}&client_key=`);
    return { status: res.status, json: (await res.json()) as { ref: string; customer_ref: string } };
  };
  const postEdge = (body: unknown, query = `${ctx}&siteId=sandbox-site`) =>
    fetch(`${base}/v1/events/v1.2/events?${query}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).then(async (r) => ({ status: r.status, json: (await r.json()) as { ref?: string; field?: string } }));
  /** The Cloud SDK's base fields: client_key and pos blank, filled by the Edge from its context. */
  const cloudEvent = (browserId: string, type: string, fields: Record<string, unknown> = {}) => ({
    browser_id: browserId,
    channel: 'WEB',
    client_key: '',
    currency: 'EUR',
    language: 'EN',
    page: 'home',
    pos: '',
    requested_at: new Date().toISOString(),
    type,
    ...fields,
  });

  it('creates a browser and its guest, keyed by the context id, and shows its guest ref', async () => {
    const created = await createEdge();
    expect(created).toEqual({
      status: 200,
      json: {
        ref: expect.stringMatching(UUID_V4),
        customer_ref: expect.stringMatching(UUID_V4),
        status: 'OK',
        version: '1.2',
        client_key: '',
      },
    });
    expect(await guest(base, created.json.ref)).toMatchObject({
      clientKey: CONTEXT,
      guestRef: created.json.customer_ref,
    });
    const show = await fetch(
      `${base}/v1/events/v1.2/browser/${created.json.ref}/show.json?${ctx}&client_key=&api_token=`,
    );
    expect(await show.json()).toEqual({ ref: created.json.ref, customer: { ref: created.json.customer_ref } });
  });

  it('stores events with blank client_key and pos, and a bare VIEW without channel or currency', async () => {
    const { json: created } = await createEdge();
    const id = created.ref;
    const view = await postEdge(cloudEvent(id, 'VIEW', { ext: { pageVariantId: 'pv-1' } }));
    expect(view).toEqual({
      status: 200,
      json: { ref: expect.stringMatching(UUID_V4), status: 'OK', version: '1.2', client_key: '' },
    });
    const bare = without(cloudEvent(id, 'VIEW', { ext: {} }), 'channel', 'currency');
    expect((await postEdge(bare)).status).toBe(200);
    expect((await postEdge(cloudEvent(id, 'ADD', { product: product('E', 4) }))).status).toBe(200);
    const timeline = (await guest(base, id))!;
    expect(timeline.events.map((e) => e.type)).toEqual(['VIEW', 'VIEW', 'ADD']);
    expect(timeline.events[0]!.ref).toBe(view.json.ref);
    expect(timeline.cart).toEqual([{ item_id: 'E', name: 'Product E', quantity: 1, price: 4, currency: 'EUR' }]);
  });

  it('requires the context and site, and currency on anything but a bare VIEW or a FORM', async () => {
    const { json: created } = await createEdge();
    expect((await postEdge(cloudEvent(created.ref, 'VIEW'), 'siteId=s')).json).toMatchObject({
      field: 'sitecoreContextId',
    });
    expect((await postEdge(cloudEvent(created.ref, 'VIEW'), ctx)).json).toMatchObject({ field: 'siteId' });
    const add = without(cloudEvent(created.ref, 'ADD', { product: product('E', 4) }), 'currency');
    expect(await postEdge(add)).toMatchObject({ status: 400, json: { field: 'currency' } });
    expect((await fetch(`${base}/v1/events/v1.2/browser/create.json?client_key=`)).status).toBe(400);
    // Blank client_key and pos are the Edge's alone.
    expect((await postEvent(base, message(created.ref, 'VIEW', { pos: '' }))).json).toMatchObject({ field: 'pos' });
    expect((await guest(base, created.ref))!.events).toEqual([]);
  });
});

describe('sandbox routes', () => {
  it('serves the timeline pretty-printed, 404 for an unknown guest', async () => {
    const { json: created } = await createBrowser(base);
    const res = await fetch(`${base}/sandbox/guests/${created.ref}`);
    expect(await res.text()).toMatch(/^\{\n {2}"browserId": /);
    expect((await fetch(`${base}/sandbox/guests/unknown-guest`)).status).toBe(404);
  });

  it('lists guests', async () => {
    const { json: created } = await createBrowser(base);
    const list = (await (await fetch(`${base}/sandbox/guests`)).json()) as Array<{ browserId: string }>;
    expect(list.map((g) => g.browserId)).toContain(created.ref);
  });

  it('answers unknown routes and wrong methods with JSON errors', async () => {
    expect((await fetch(`${base}/v1.2/nothing`)).status).toBe(404);
    const wrong = await fetch(`${base}/v1.2/events`);
    expect(wrong.status).toBe(405);
    expect(await wrong.json()).toMatchObject({ status: 'error' });
  });
});
