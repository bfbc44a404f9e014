// No DOM here: the tag answers every call with why it does nothing.
import { describe, expect, it } from 'vitest';
import { inertTag } from '../src/tag/inert';
import { failure } from '../src/shared/result';

describe('the tag without a DOM (inert)', () => {
  it('answers every call with why, and never throws', async () => {
    const why = failure('blocked', 'no document');
    const tag = inertTag(why);
    const calls = [
      'view',
      'add',
      'forceClose',
      'identity',
      'event',
      'consent',
      'browserId',
      'flush',
      'flow',
      'placements',
      'offers',
      'page',
      'render',
    ] as const;
    for (const name of calls) expect(await (tag[name] as () => Promise<unknown>)()).toBe(why);
    const off = tag.on('error', () => {});
    expect(off()).toBe(false);
    expect(() => tag.destroy()).not.toThrow();
    expect(Object.keys(tag).sort()).toEqual([...calls, 'on', 'destroy'].sort());
  });
});
