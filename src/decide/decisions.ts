// Asks the decision APIs: Sitecore flows, Algonomy placements (one call per page type, in
// parallel) and Adobe offers (one call for every proposition). Answers become Decisions; a
// failure becomes a SlotwiseError with the reason, never a rejection the page has to catch.
import { nanoid } from 'nanoid';
import { SlotwiseError } from '../errors';
import { request } from '../http';
import type { Settings } from '../options';
import type { BrowserIds } from '../identity/browser-id';
import type { RcsStore } from '../identity/rcs';
import type { Decision } from '../wire/model';
import { flowDecision, flowRequest, type FlowCall, type WireRequest } from '../wire/sitecore';
import { placementRequests, placementsAnswer, type PageContext } from '../wire/algonomy';
import { offerDecisions, offersRequest, type OfferCall } from '../wire/adobe';

export interface Decisions {
  flow(call: FlowCall, url: string): Promise<Decision & { data: unknown }>;
  placements(names: readonly string[], context: PageContext): Promise<Decision[]>;
  offers(calls: readonly OfferCall[]): Promise<Decision[]>;
}

export function createDecisions(settings: Settings, ids: BrowserIds, rcs: RcsStore, sessionId: () => string, allowed: () => boolean): Decisions {
  async function answerOf(wire: WireRequest): Promise<unknown> {
    const { status, json, timedOut } = await request(wire, settings.requestTimeoutMs, false, 1);
    if (status >= 200 && status < 300) return json;
    const api = wire.url.split('?')[0];
    throw status
      ? new SlotwiseError('rejected', `${api} answered ${status}`, status)
      : new SlotwiseError(timedOut ? 'timeout' : 'blocked', `No answer from ${api}`);
  }
  async function browserId(): Promise<string> {
    if (!allowed()) throw new SlotwiseError('consent', 'No decisions without consent: slots keep their default content');
    const id = await ids.ensure();
    if (!id) throw new SlotwiseError('blocked', 'No browser id yet: the decision was not asked for');
    return id;
  }
  const configured = <T>(section: T | undefined, name: string): T => {
    if (!section) throw new SlotwiseError('invalid', `Set the "${name}" option to use ${name}`);
    return section;
  };

  return {
    async flow(call, url) {
      if (!settings.currency) throw new SlotwiseError('invalid', "Set the currency option (ISO 4217): Sitecore's flow API requires currencyCode");
      const json = await answerOf(flowRequest(settings, call, await browserId(), url));
      return { ...flowDecision(call.friendlyId, json), data: json };
    },
    async placements(names, context) {
      const config = configured(settings.placements, 'placements');
      const userId = await browserId(); // first: it checks consent, and the session id writes storage
      const visitor = { sessionId: sessionId(), userId, rcs: rcs.get() };
      const groups = await Promise.all(
        placementRequests(config, names, context, visitor).map(async ({ wire, placements }) => {
          const answer = placementsAnswer(await answerOf(wire), placements);
          // The token comes back changed as the visitor acts: keep the newest, exactly as served.
          if (answer.rcs && allowed()) rcs.set(answer.rcs);
          return answer.decisions;
        }),
      );
      return groups.flat();
    },
    async offers(calls) {
      const config = configured(settings.offers, 'offers');
      const identity = { namespace: config.identityNamespace, id: await browserId() };
      return offerDecisions(await answerOf(offersRequest(config.target, calls, identity, nanoid())), calls);
    },
  };
}
