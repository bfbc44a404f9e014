// Types for chaos.mjs, shared by e2e/chaos.spec.ts and bench/chaos.mjs.
import type { Browser } from '@playwright/test';

export interface ChaosOptions {
  /** Tabs of one site, each making an ADD every `everyMs` (default 4 tabs, 50 ms). */
  tabs?: number;
  everyMs?: number;
  /** How long the tabs make events (default 12 s); then they drain. */
  loadMs?: number;
  /** When to kill the API's process (ms after the load began) and how long it stays down. */
  kills?: { atMs: number; downMs: number }[];
  log?: (line: string) => void;
}

export interface Kill {
  atMs: number;
  downMs: number;
  /** The event log's size when the process died: everything before it was written by that process. */
  logBytes: number;
  restartMs: number;
  /** Wall-clock times (ISO) of the kill and of the restarted process listening. */
  killedAt: string;
  upAt: string;
  /** From the restart to the first event stored after it (null: none was). */
  resumedMs?: number | null;
}

export interface ChaosReport {
  tabs: number;
  everyMs: number;
  loadMs: number;
  kills: Kill[];
  /** Requests to the API the browser saw fail, by method and net error (e.g. `POST net::ERR_CONNECTION_REFUSED`). */
  failedRequests: Record<string, number>;
  seconds: number;
  drainMs: number;
  /** What the sandbox printed on stderr (its replay's notes). */
  warnings: string[];
  made: number;
  /** `add()` resolved `{ ok: true }`, or a tab heard `delivered` for it. */
  acknowledged: number;
  /** ADDs the restarted sandbox holds for the guest, copies included; and distinct events. */
  stored: number;
  storedDistinct: number;
  /** Event records in the sandbox's log file (every guest). */
  logEvents: number;
  /** Acknowledged and stored exactly once. */
  once: number;
  /** Acknowledged, not stored. */
  lost: string[];
  /** Stored more than once; `atKill`: the first copy is the last event a killed process stored. */
  duplicated: {
    label: string;
    copies: number;
    acknowledged: boolean;
    atKill: boolean;
    reason?: string;
    /** Indexes of the copies among the log's events, and how many events the log held at each kill. */
    logIndex: number[];
    killIndex: number[];
    receivedAt: string[];
    /** The tabs that heard an acknowledgement of it, once per acknowledgement. */
    deliveredBy: string[];
  }[];
  /** Stored once, but the tag did not acknowledge it: how its call resolved. */
  storedUnacknowledged: { label: string; reason: string }[];
  /** Neither acknowledged nor stored, by how the tag reported it ('still queued' if it still is). */
  neither: Record<string, number>;
  /** visibilitychange to hidden, in every tab (a hidden tab sends its queue side by side). */
  hidden: number;
  /** Calls that never resolved. */
  unsettled: string[];
  /** Stored events no tab made. */
  strays: string[];
}

export declare function runChaos(browser: Browser, options?: ChaosOptions): Promise<ChaosReport>;
export declare function chaosTable(report: ChaosReport): string;
