// What the specs' page functions see of the tag: the snippet's global `slotwise(method, …args)`.
// Types only; the results are the library's own (they reach the test as JSON).
import type { BrowserIdResult, EventResult, Result } from '../src/index';

export interface SlotwiseInPage {
  (method: 'browserId'): Promise<BrowserIdResult>;
  (method: 'view' | 'add' | 'forceClose' | 'identity' | 'event', ...args: unknown[]): Promise<EventResult>;
  (...args: unknown[]): Promise<Result>;
}
