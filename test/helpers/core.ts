// The services the slot engine borrows from the core, for engine tests: the real visibility (reveal
// budget included), the real watcher of the page's slots, Trusted Types and loaders, and a visitor
// whose parts a test replaces as it needs.
import { slotServices } from '../../src/slots/services';
import type { CoreServices } from '../../src/types/parts';

export const coreServices = (visitor: Partial<CoreServices> = {}): CoreServices => ({
  ...slotServices,
  event: () => {},
  error: () => {},
  browserId: async () => 'browser-1',
  rcs: { get: () => undefined, set: () => false },
  sessionId: () => 'session-1',
  allowed: () => true,
  preview: () => undefined,
  ...visitor,
});
