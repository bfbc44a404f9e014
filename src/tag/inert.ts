// The tag without a DOM (Node, SSR): every call answers why it does nothing, and nothing throws.
import type { Failure } from '../shared/result';
import type { Tag } from './api';

export function inertTag(why: Failure): Tag {
  const answer = () => Promise.resolve(why);
  return {
    view: answer,
    add: answer,
    forceClose: answer,
    identity: answer,
    event: answer,
    consent: answer,
    browserId: answer,
    flush: answer,
    flow: answer,
    placements: answer,
    offers: answer,
    page: answer,
    render: answer,
    on: () => () => false,
    destroy() {},
  };
}
