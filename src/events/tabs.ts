// Which tab sends which event. Every tab's tag holds a Web Lock named after its own id while its
// page lives, and the lock manager gives every tab the same answer at once, which localStorage
// does not: Chromium carries one tab's writes to the others a moment later, so a tab taking the
// queue's lock may still see an event that another tab has just delivered, and send it again.
// So a tab sends only the events it made; the events of a tab that is gone are adopted by one
// open tab alone (the one with the lowest id), and only after a grace period that lets the gone
// tab's last writes arrive. Without Web Locks every tab may send every event, kept apart by the
// queue's leases alone.

/** Long enough for a tab's last localStorage writes to reach the other tabs. */
export const GRACE_MS = 1000;
/** How often a tab looks again at events that an open tab will send (its storage writes wake us sooner). */
const LOOK_AGAIN_MS = 5000;

export interface Tabs {
  readonly id: string;
  /** Holds this tab's lock; `resumed`: the page is back from the back/forward cache, and what it saw may be old. */
  hold(resumed?: boolean): void;
  /** Lets go of it: the page is left or the tag destroyed, and its events are for others to adopt. */
  release(): void;
  /** Reads which tabs are open now. */
  refresh(): Promise<void>;
  /** 0 when this tab may send an event made by `tab` now; else how many ms until it should look again. */
  wait(tab: string | undefined): number;
}

export function createTabs(prefix: string, id: string): Tabs {
  const locks = typeof navigator == 'object' ? navigator.locks : undefined;
  const lockPrefix = prefix + 'tab:';
  /** The other open tabs; undefined where Web Locks are missing or refuse. */
  let others: string[] | undefined;
  /** Since when this tab is the one that adopts gone tabs' events. */
  let adopterSince: number | undefined;
  let quietUntil = 0;
  let letGo: (() => void) | undefined;

  return {
    id,
    hold(resumed) {
      if (letGo || !locks) return;
      if (resumed) quietUntil = Date.now() + GRACE_MS;
      const held = new Promise<void>((resolve) => (letGo = resolve));
      locks.request(lockPrefix + id, () => held).catch(() => {});
    },
    release() {
      letGo?.();
      letGo = undefined;
    },
    async refresh() {
      try {
        const { held = [] } = await locks!.query();
        others = held.map((lock) => lock.name ?? '').filter((name) => name.startsWith(lockPrefix) && name != lockPrefix + id)
          .map((name) => name.slice(lockPrefix.length));
      } catch {
        others = undefined;
      }
      adopterSince = !others?.some((tab) => tab < id) ? adopterSince ?? Date.now() : undefined;
    },
    wait(tab) {
      const now = Date.now();
      if (tab == id) return Math.max(0, quietUntil - now);
      if (!others) return 0;
      if (tab && others.includes(tab)) return LOOK_AGAIN_MS;
      return adopterSince === undefined ? LOOK_AGAIN_MS : Math.max(0, adopterSince + GRACE_MS - now);
    },
  };
}
