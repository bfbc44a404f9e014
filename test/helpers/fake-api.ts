// A scripted stand-in for the Sitecore API, installed as the global fetch. Tests queue answers
// (status, headers, or a network failure) and read back what the tag sent. A 2xx for an event
// without a scripted body carries the API's acknowledgement, as the real event API's does.
import { vi } from 'vitest';

export interface Sent {
  method: string;
  url: URL;
  body: Record<string, unknown> | undefined;
  keepalive: boolean;
  redirect: RequestRedirect;
}

type Answer =
  | { status: number; headers?: Record<string, string>; json?: unknown; body?: string }
  | 'network-error'
  | 'no-answer-yet'
  /** No answer within the request's time limit (the API may still have stored it). */
  | 'timeout';

// happy-dom's Request drops `keepalive`; remember it so tests can see what the browser would get.
class RequestWithKeepalive extends Request {
  override readonly keepalive: boolean;
  constructor(input: RequestInfo | URL, init?: RequestInit) {
    super(input, init);
    this.keepalive = init?.keepalive ?? (input instanceof Request && input.keepalive) ?? false;
  }
}

export function installFakeApi() {
  vi.stubGlobal('Request', RequestWithKeepalive);
  const sent: Sent[] = [];
  const script: Answer[] = [];
  let refs = 0;
  let down = false;
  const fetch = vi.fn(async (input: Request | string, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init);
    const url = new URL(request.url);
    const text = await request.text();
    const body = url.pathname.endsWith('/events')
      ? JSON.parse(text)
      : url.searchParams.has('message') && url.pathname.includes('/event/')
        ? JSON.parse(url.searchParams.get('message')!)
        : undefined;
    sent.push({
      method: request.method,
      url,
      body,
      keepalive: request.keepalive,
      redirect: init?.redirect ?? request.redirect,
    });
    if (down) throw new TypeError('Failed to fetch');
    if (url.pathname.endsWith('/browser/create.json') && !script.length) return Response.json({ ref: `bid-${++refs}` });
    const answer = script.shift() ?? { status: 200 };
    if (answer == 'network-error') throw new TypeError('Failed to fetch');
    if (answer == 'timeout') throw new DOMException('signal timed out', 'TimeoutError');
    if (answer == 'no-answer-yet') return new Promise<Response>(() => {}); // a request still in flight
    const acknowledged =
      body && answer.status < 300
        ? { ref: `stored-${++refs}`, status: 'OK', version: '1.2', client_key: body.client_key }
        : {};
    if (answer.status == 204) return new Response(null, { status: 204 });
    return new Response(answer.body ?? JSON.stringify(answer.json ?? acknowledged), {
      status: answer.status,
      headers: answer.headers ?? {},
    });
  });
  vi.stubGlobal('fetch', fetch);
  return {
    sent,
    /** Answers for the next requests, in order; afterwards everything succeeds. */
    answer: (...answers: Answer[]) => script.push(...answers),
    events: () => sent.filter((s) => s.body).map((s) => s.body!),
    /** While down, every request fails as a network error. */
    down: (value: boolean) => (down = value),
    eventTypes: () => sent.filter((s) => s.body).map((s) => s.body!.type),
  };
}
