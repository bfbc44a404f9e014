// The slot engine: asks the decision APIs and renders their answers into the page's slots. It
// is its own file in the script tag, loaded beside the browser id by pages that have slots (or
// when an SPA first asks for a decision), so pages without slots never download it.
import type { Settings } from '../shared/options';
import type { BrowserIds } from '../identity/browser-id';
import type { RcsStore } from '../identity/rcs';
import type { SlotReport } from '../debug/overlay';
import type { Host } from '../slots/services';
import { createRenderer, type RenderHooks, type Renderer } from './renderer';
import { findSlots } from './slots';
import { createDecisions, type Decisions } from './decisions';

export interface EngineDeps {
  host: Host;
  ids: BrowserIds;
  rcs: RcsStore;
  sessionId: () => string;
  /** Whether decisions may be asked for now (consent, not destroyed). */
  allowed: () => boolean;
  /** The marketer's preview in force, if any. */
  preview: () => string | undefined;
  hooks: RenderHooks;
}

export interface Engine {
  decisions: Decisions;
  renderer: Renderer;
  /** Every slot on the page with what the renderer knows of it, for the preview bar. */
  reports(): [HTMLElement, SlotReport | undefined][];
}

export type CreateEngine = (settings: Settings, deps: EngineDeps) => Engine;

export const createEngine: CreateEngine = (settings, { host, ids, rcs, sessionId, allowed, preview, hooks }) => {
  const decisions = createDecisions(settings, host, ids, rcs, sessionId, allowed, preview, hooks.error);
  const renderer = createRenderer(settings, host, decisions, hooks);
  return { decisions, renderer, reports: () => findSlots(document).map(({ el }) => [el, renderer.reports.get(el)]) };
};
