// Asks the decision APIs: Sitecore flows, Algonomy placements (one call per page type, in
// parallel) and Adobe offers (one call for every proposition). Answers become Decisions; a
// failure becomes a SlotwiseError with the reason, never a rejection the page has to catch.
// Each API's codec loads on demand (only pages that use an API pay for it), beside the browser id
// so that neither waits for the other.
import { nanoid } from 'nanoid';
import { SlotwiseError, couldNotLoad } from '../types/errors';
import { requestWithRetry } from './retry-once';
import { isSuccess } from '../shared/http-status';
import { withPreview } from '../shared/preview';
import { MAX_ANSWER_BYTES, readUpTo } from './read-limited';
import type { Settings } from '../types/options';
import type { WireRequest } from '../types/wire';
import type { CoreServices, Decisions } from '../types/parts';

export function createDecisions(settings: Settings, core: CoreServices): Decisions {
  /** Placements requests sent, and the latest of them whose rcs token was kept. */
  let asked = 0;
  let kept = 0;
  async function answerOf(wire: WireRequest): Promise<unknown> {
    const previewing = core.preview();
    // Set by `read`, inside request(): TypeScript cannot see it change, hence the wide type.
    let over = false as boolean;
    const url = previewing ? withPreview(wire.url, previewing) : wire.url;
    // Each answer read says whether it was over: a retry's answer replaces the first one's.
    const read = (response: Response) => ((over = false), readUpTo(response, () => (over = true)));
    const { status, json, timedOut } = await requestWithRetry(
      { ...wire, url },
      { timeoutMs: settings.requestTimeoutMs, read },
    );
    const api = wire.url.split('?')[0] ?? '';
    if (over)
      throw new SlotwiseError(
        'rejected',
        `${api} answered over ${MAX_ANSWER_BYTES / 1024} kB, the limit for a decision`,
        status,
      );
    if (isSuccess(status)) return json;
    // What the API says about it (Algonomy's `errormessage`, or a `message`), when it says anything.
    const said = [
      (json as { errormessage?: unknown } | null)?.errormessage,
      (json as { message?: unknown } | null)?.message,
    ].find((m): m is string => typeof m === 'string' && !!m.trim());
    throw status
      ? new SlotwiseError('rejected', `${api} answered ${status}${said ? `: ${said}` : ''}`, status)
      : new SlotwiseError(timedOut ? 'timeout' : 'blocked', `No answer from ${api}`);
  }
  function consented() {
    if (!core.allowed()) throw new SlotwiseError('consent', 'No decisions without consent');
  }
  async function browserId(): Promise<string> {
    consented();
    const id = await core.browserId();
    if (!id) throw new SlotwiseError('blocked', 'No browser id yet: the decision was not asked for');
    return id;
  }
  const configured = <T>(section: T | undefined, name: string): T => {
    if (!section) throw new SlotwiseError('invalid', `Set the "${name}" option to use ${name}`);
    return section;
  };
  /** A codec that is loading, or the reason it could not load. */
  const codec = <C>(loading: Promise<C>, file: string): Promise<C> =>
    loading.catch(() => {
      throw couldNotLoad(`slotwise-${file}.min.js`);
    });

  return {
    async flow(call, url) {
      if (!settings.currency)
        throw new SlotwiseError(
          'invalid',
          "Set the currency option (ISO 4217): Sitecore's flow API requires currencyCode",
        );
      consented();
      if (call.email && call.identifiers)
        throw new SlotwiseError(
          'invalid',
          'flow(): give email or identifiers, not both (the flow API takes one identity)',
        );
      // A flow for a known person needs no browser id (the flow API takes exactly one identity).
      const known = call.email || call.identifiers;
      const [sitecore, id] = await Promise.all([
        codec(core.loadFlowsCodec(settings.nonce), 'flows'),
        known ? '' : browserId(),
      ]);
      const json = await answerOf(sitecore.flowRequest(settings, call, id, url));
      return { ...sitecore.flowDecision(call.friendlyId, json), data: json };
    },
    async placements(names, context) {
      const config = configured(settings.placements, 'placements');
      consented();
      let own;
      try {
        // The site's own user id (this call's, else the option's) needs no browser id.
        own = [context.userId, config.userId].find(
          (id) => (typeof id === 'string' && id.trim()) || Number.isFinite(id),
        );
      } catch {
        // A context that cannot be read: the codec says what is wrong with it.
      }
      const [algonomy, userId] = await Promise.all([
        codec(core.loadPlacementsCodec(settings.nonce), 'placements'),
        own === undefined ? browserId() : String(own),
      ]);
      const visitor = { sessionId: config.sessionId || core.sessionId(), userId, rcs: core.rcs.get() };
      const groups = await Promise.all(
        algonomy.placementRequests(config, names, context, visitor).map(async ({ wire, placements }) => {
          // Calls for several page types race: the answer to the latest request keeps its token,
          // whatever order the answers arrive in.
          const mine = ++asked;
          const answer = algonomy.placementsAnswer(
            await answerOf(wire),
            placements,
            new URL(config.target, location.href).href,
          );
          // Tracking URLs it would not keep: the call still succeeds, the page's error listeners hear of it.
          for (const error of answer.refused) core.error(error);
          // The token comes back changed as the visitor acts: kept exactly as served.
          if (answer.rcs && core.allowed() && mine > kept && core.rcs.set(answer.rcs)) kept = mine;
          return answer.decisions;
        }),
      );
      return groups.flat();
    },
    async offers(calls) {
      const config = configured(settings.offers, 'offers');
      consented();
      const [adobe, id] = await Promise.all([codec(core.loadOffersCodec(settings.nonce), 'offers'), browserId()]);
      const identity = { namespace: config.identityNamespace, id };
      return adobe.offerDecisions(await answerOf(adobe.offersRequest(config.target, calls, identity, nanoid())), calls);
    },
  };
}
