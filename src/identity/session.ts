// A rolling session id for APIs that take one (the placements API's `sessionId`): the same id
// while the visitor is active, a new one after 30 minutes without activity.
import { nanoid } from 'nanoid';

export const SESSION_IDLE_MS = 30 * 60_000;

/** The current session id, renewed after the idle gap; touching it extends the session. */
export function touchSession(storage: Storage | undefined, key: string, now = Date.now()): string {
  let [id, last] = (storage?.getItem(key) ?? '').split(' ');
  if (!id || !(now - Number(last) < SESSION_IDLE_MS)) id = nanoid();
  try {
    storage?.setItem(key, `${id} ${now}`);
  } catch {
    // Storage full or blocked: the id still holds for this page.
  }
  return id;
}
