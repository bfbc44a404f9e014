// @vitest-environment happy-dom
// The core's one owner of hiding and showing slots (src/slots/visibility.ts): how long slots may
// stay hidden, and showing every slot not decided yet.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { hide, reveal, revealBudget, showUndecided } from '../src/slots/visibility';

describe('revealBudget', () => {
  afterEach(() => vi.restoreAllMocks());

  it('counts the first pass from navigation start, and a later pass from now', () => {
    vi.spyOn(performance, 'now').mockReturnValue(400); // the page began loading 400 ms ago
    expect(revealBudget(1000, true)).toBe(600);
    expect(revealBudget(1000, false)).toBe(1000); // slots an SPA adds get the whole time
  });

  it('is never below zero: a first pass that starts late shows its slots at once', () => {
    vi.spyOn(performance, 'now').mockReturnValue(5000);
    expect(revealBudget(1000, true)).toBe(0);
    expect(revealBudget(0, false)).toBe(0);
  });
});

describe('showUndecided', () => {
  const state = (id: string) => document.getElementById(id)!.getAttribute('data-slotwise-state');

  it('shows every slot not decided yet, in the state given, and leaves the others as they are', () => {
    document.body.innerHTML = `
      <div id="flow" data-slotwise-flow="f"></div>
      <div id="placement" data-slotwise-placement="home_page.a"></div>
      <div id="offer" data-slotwise-offer="p" data-slotwise-activity="a"></div>
      <div id="decided" data-slotwise-placement="home_page.b"></div>
      <div id="other"></div>`;
    reveal(document.getElementById('decided')!, 'decided');
    showUndecided('timeout');
    expect(['flow', 'placement', 'offer', 'decided', 'other'].map(state)).toEqual([
      'timeout',
      'timeout',
      'timeout',
      'decided',
      null,
    ]);
    expect(document.getElementById('flow')!.style.visibility).toBe('inherit');
  });

  it('shows a slot hidden again for a new decision', () => {
    document.body.innerHTML = '<div id="a" data-slotwise-placement="home_page.a" data-slotwise-empty="collapse"></div>';
    const el = document.getElementById('a')!;
    reveal(el, 'collapsed');
    hide(el);
    expect([state('a'), el.style.display, el.style.visibility]).toEqual([null, '', '']);
    showUndecided('default');
    expect([state('a'), el.style.visibility]).toEqual(['default', 'inherit']);
  });
});
