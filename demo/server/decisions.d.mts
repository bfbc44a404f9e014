// Types for TypeScript callers of decisions.mjs (tests).
import type { DecisionTrace } from './types.js';

export declare const TRACES_PER_GUEST: number;
export declare const TRACED_GUESTS: number;
export declare const TRACE_CHARS: number;
export declare const TRACED_CHARS: number;
export declare function createDecisionLog(limits?: { perGuest?: number; guests?: number; chars?: number }): {
  record(key: string | null, traces: DecisionTrace[]): void;
  list(key: string): DecisionTrace[];
  clear(): void;
};
export declare function elapsed(started: number): number;
