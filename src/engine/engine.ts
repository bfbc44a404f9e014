// The slot engine: asks the decision APIs and renders their answers into the page's slots. It
// is its own file in the script tag, loaded beside the browser id by pages that have slots (or
// when an SPA first asks for a decision), so pages without slots never download it. It reaches
// the core only through the services it is given.
import type { CreateEngine } from '../types/parts';
import { createRenderer } from './renderer';
import { findSlots } from './slots';
import { createDecisions } from './decisions';

export const createEngine: CreateEngine = (settings, core) => {
  const decisions = createDecisions(settings, core);
  const renderer = createRenderer(settings, core, decisions);
  return { decisions, renderer, reports: () => findSlots(document).map(({ el }) => [el, renderer.reports.get(el)]) };
};
