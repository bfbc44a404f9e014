// The decision calls (flow, placements, offers, page, render): their arguments are read and checked
// at the boundary, then the slot engine runs them, and every outcome becomes a result.
import { isObject, isText } from '../shared/is';
import { isSlotwiseError, type FailReason } from '../types/errors';
import { detach, must, safely, shown } from '../shared/args';
import { failure, type Failure, type Result } from '../shared/result';
import type { Tag } from './api';
import type { Engine } from '../types/parts';
import type { FlowCall, OfferCall, PageContext } from '../types/wire';

export interface DecisionCalls {
  /** The SPA moved to a new URL (autoPage): decides the slots not yet decided for it. */
  routeChanged(): Promise<Result>;
  /** The tag's decision calls, as if made on page `url` (default: the page at the time of each call). */
  at(url?: string): Pick<Tag, 'flow' | 'placements' | 'offers' | 'page' | 'render'>;
}

// The argument checks: each reads its call's arguments once (see detach) and answers what the call
// will use, or throws an `invalid` SlotwiseError that names the argument.

export function flowCall(friendlyId: string, options: Omit<FlowCall, 'friendlyId'> | undefined): FlowCall {
  if (typeof friendlyId !== 'string' || !friendlyId) must('flow(friendlyId)', 'a non-empty string');
  const call = detach(options ?? {}, 'flow(options)');
  if (!isObject(call) || !(call.params === undefined || isObject(call.params)))
    must('flow(options) and its params', 'objects');
  return { ...call, friendlyId };
}

export function placementsCall(names: string[], context: PageContext): [names: string[], context: PageContext] {
  const list = detach(names, 'placements(names)');
  const given = detach(context, 'placements(context)');
  if (!Array.isArray(list) || !list.every(isText)) must('placements(names)', 'an array of strings');
  if (!isObject(given)) must('placements(context)', 'an object');
  return [list, given];
}

export function offerCalls(calls: OfferCall[]): OfferCall[] {
  const list = detach(calls, 'offers(calls)');
  if (!Array.isArray(list) || !list.every((c) => isObject(c) && isText(c.placementId) && isText(c.activityId)))
    must('offers(calls)', 'an array of { placementId, activityId }');
  return list;
}

/** None, or a URL or a path. */
export function pageUrl(url: string | undefined): string | undefined {
  if (url !== undefined && !(typeof url === 'string' && safely(() => new URL(url, location.href))))
    must('page(url)', 'a URL or a path');
  return url;
}

/** None, or `{ again?: boolean }`: whether slots already decided for this page are decided anew. */
export function againOption(options: { again?: boolean } | undefined, call: string): boolean {
  const given = detach(options ?? {}, `${call}(options)`);
  if (!isObject(given) || !(given.again === undefined || typeof given.again === 'boolean'))
    must(`${call}(options)`, '{ again?: boolean }');
  return !!given.again;
}

/** None, or an element, a document or a fragment, of this window or of a frame's. */
export function renderRoot(root: ParentNode | undefined): ParentNode | undefined {
  const isRoot = (node: ParentNode) =>
    [1, 9, 11].includes(node.nodeType) &&
    typeof (node as { querySelectorAll?: unknown }).querySelectorAll === 'function';
  if (root !== undefined && !safely(() => isRoot(root))) must('render(root)', 'an element or a document');
  return root;
}

/**
@param engine the slot engine, loaded if need be; rejects without consent or when it cannot load
@param stopped why every call fails now (the tag is destroyed), if it does
*/
export function createDecisionCalls(engine: () => Promise<Engine>, stopped: () => Failure | undefined): DecisionCalls {
  /**
  Runs decision call `name` and turns its outcome into a result. `args` checks the call's
  arguments first (before consent or the engine): what it throws is bad input. Past it, the codecs
  throw only SlotwiseErrors, so anything else is a file of ours that did not load.
  */
  const decide = async <T extends object, A>(
    name: string,
    args: () => A,
    run: (engine: Engine, args: A) => Promise<T>,
  ): Promise<({ ok: true } & T) | Failure> => {
    const dead = stopped();
    if (dead) return dead;
    let otherwise: FailReason = 'invalid';
    try {
      const checked = args();
      otherwise = 'blocked';
      return { ok: true, ...(await run(await engine(), checked)) };
    } catch (error) {
      return isSlotwiseError(error)
        ? { ok: false, reason: error.code, error }
        : failure(otherwise, `${name}: ${shown(error)}`);
    }
  };
  const done = () => ({});
  return {
    // A new URL: the slots not yet decided for it (never the same page again).
    routeChanged: () =>
      decide(
        'page',
        () => undefined,
        (e) => e.renderer.page().then(done),
      ),
    at: (callUrl) => ({
      flow(friendlyId, options) {
        const url = callUrl ?? location.href;
        return decide(
          'flow',
          () => flowCall(friendlyId, options),
          async (e, call) => {
            const { data, ...decision } = await e.decisions.flow(call, url);
            return { data, decision };
          },
        );
      },
      placements: (names, context = {}) =>
        decide(
          'placements',
          () => placementsCall(names, context),
          async (e, [list, given]) => ({ decisions: await e.decisions.placements(list, given) }),
        ),
      offers: (calls) =>
        decide(
          'offers',
          () => offerCalls(calls),
          async (e, list) => ({ decisions: await e.decisions.offers(list) }),
        ),
      page: (url, options) =>
        decide(
          'page',
          () => ({ url: pageUrl(url), again: againOption(options, 'page') }),
          (e, checked) => e.renderer.page(checked).then(done),
        ),
      render: (root, options) =>
        decide(
          'render',
          () => [renderRoot(root), againOption(options, 'render')] as const,
          (e, [checked, again]) => e.renderer.render(checked, again).then(done),
        ),
    }),
  };
}
