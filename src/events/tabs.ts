// Which tab sends which event. Every tab whose tag may send holds a Web Lock named after its own
// id, and the lock manager tells every tab which tabs hold one; localStorage is no such witness:
// Chromium carries one tab's writes to the others a moment later, so a tab taking the queue's
// lock may still see an event that another tab has just delivered, and send it again. So a tab
// sends only the events it made. The events of a tab that is gone are adopted by one open tab
// alone (the one with the lowest id), and only once that tab has been seen gone, and this one
// the adopter, for a grace period that lets the gone tab's last writes arrive.

/** Long enough for a tab's last localStorage writes to reach the other tabs. */
export const GRACE_MS = 1000;
/** How often a tab looks again at events that another open tab will send. */
const LOOK_AGAIN_MS = 5000;

export interface Tabs {
  readonly id: string;
  /**
  Holds this tab's lock (when it may send). `resumed`: the page is back from the back/forward
  cache, and what it saw of storage, and who was the adopter, may be old.
  */
  hold(resumed?: boolean): void;
  /** Lets go of it: the page is left, consent withdrawn or the tag destroyed; its events are for others to adopt. */
  release(): void;
  /** Reads which tabs are open now. */
  refresh(): Promise<void>;
  /** 0 when this tab may send an event made by `tab` now; else how many ms until it should look again. */
  wait(tab: string | undefined): number;
}

export function createTabs(prefix: string, id: string): Tabs {
  const locks = typeof navigator === 'object' ? navigator.locks : undefined;
  const lockPrefix = prefix + 'tab:';
  /** The other open tabs; undefined where Web Locks are missing or refuse. */
  let others: string[] | undefined;
  /** Since when this tab has been the one that adopts gone tabs' events. */
  let adopterSince: number | undefined;
  /** Since when each tab whose events we have seen has been seen gone. */
  const goneSince = new Map<string | undefined, number>();
  let quietUntil = 0;
  let letGo: (() => void) | undefined;

  return {
    id,
    hold(resumed) {
      if (resumed) {
        quietUntil = Date.now() + GRACE_MS;
        adopterSince = undefined;
        goneSince.clear();
      }
      if (letGo || !locks) return;
      const held = new Promise<void>((resolve) => (letGo = resolve));
      locks.request(lockPrefix + id, () => held).catch(() => {});
    },
    release() {
      letGo?.();
      letGo = undefined;
    },
    async refresh() {
      // Without Web Locks, or where they refuse (opaque origins), which tabs are open is unknown.
      let open: string[] | undefined;
      try {
        // A lock still being granted counts: its tab has just opened, and may already have written.
        const snapshot = await locks?.query();
        open =
          snapshot &&
          [...(snapshot.held ?? []), ...(snapshot.pending ?? [])]
            .map((lock) => lock.name ?? '')
            .filter((name) => name.startsWith(lockPrefix) && name !== lockPrefix + id)
            .map((name) => name.slice(lockPrefix.length));
      } catch {
        // unknown, as without Web Locks
      }
      others = open;
      adopterSince = !others?.some((tab) => tab < id) ? (adopterSince ?? Date.now()) : undefined;
      for (const tab of others ?? []) goneSince.delete(tab);
    },
    wait(tab) {
      const now = Date.now();
      if (tab === id) return Math.max(0, quietUntil - now);
      if (!others) return 0;
      if (tab && others.includes(tab)) return LOOK_AGAIN_MS;
      if (adopterSince === undefined) return LOOK_AGAIN_MS;
      const gone = goneSince.get(tab) ?? now;
      goneSince.set(tab, gone);
      return Math.max(0, Math.max(adopterSince, gone) + GRACE_MS - now);
    },
  };
}
