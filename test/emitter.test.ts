import { describe, expect, it, vi } from 'vitest';
import { createEmitter } from '../src/tag/emitter';

type Events = { error: { code: number }; delivered: { id: string } };

describe("the tag's listeners (emitter)", () => {
  it('calls every listener of a type, in the order they were added, with the detail', () => {
    const { on, emit } = createEmitter<Events>(['error', 'delivered']);
    const heard: string[] = [];
    on('error', ({ code }) => heard.push(`first ${code}`));
    on('error', ({ code }) => heard.push(`second ${code}`));
    on('delivered', ({ id }) => heard.push(`delivered ${id}`));
    emit('error', { code: 1 });
    emit('delivered', { id: 'e1' });
    expect(heard).toEqual(['first 1', 'second 1', 'delivered e1']);
  });

  it('goes on to the next listener when one throws', () => {
    const { on, emit } = createEmitter<Events>(['error', 'delivered']);
    const after = vi.fn();
    on('error', () => {
      throw new Error('a bug in the page');
    });
    on('error', after);
    expect(() => emit('error', { code: 2 })).not.toThrow();
    expect(after).toHaveBeenCalledWith({ code: 2 });
  });

  it('returns a function that stops listening, true the first time only', () => {
    const { on, emit } = createEmitter<Events>(['error', 'delivered']);
    const listener = vi.fn();
    const off = on('error', listener);
    expect(off()).toBe(true);
    expect(off()).toBe(false);
    emit('error', { code: 3 });
    expect(listener).not.toHaveBeenCalled();
  });

  it('takes no listener for an unknown type, a prototype name, a hostile key or a non-function', () => {
    const { on, emit } = createEmitter<Events>(['error', 'delivered']);
    const listener = vi.fn();
    const hostile = {
      toString: () => {
        throw new Error('no');
      },
    };
    for (const type of ['nope', 'toString', '__proto__', hostile, undefined] as unknown as 'error'[]) {
      const off = on(type, listener);
      expect(off()).toBe(false);
      emit(type, { code: 4 });
    }
    expect(on('error', 'not a function' as never)()).toBe(false);
    expect(listener).not.toHaveBeenCalled();
  });
});
