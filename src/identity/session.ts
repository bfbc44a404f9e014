// A rolling session id for APIs that take one (the placements API's `sessionId`): the same id
// while the visitor is active, a new one after 30 minutes without activity.
import { nanoid } from 'nanoid';
import type { Store } from '../shared/store';

export const SESSION_IDLE_MS = 30 * 60_000;

/** The current session id, renewed after the idle gap; touching it extends the session. */
export function touchSession(store: Store, now = Date.now()): string {
  const [kept, last] = (store.get('session') ?? '').split(' ');
  const id = kept && now - Number(last) < SESSION_IDLE_MS ? kept : nanoid();
  // Storage full or blocked: the id still holds for this page.
  store.set('session', `${id} ${now}`);
  return id;
}
