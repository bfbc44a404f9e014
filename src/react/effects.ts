import { useEffect, useLayoutEffect } from 'react';

/**
A layout effect in the browser (it runs in the commit that puts an element in the page, before any
MutationObserver or network callback of the tag can reach it), nothing on the server.
*/
export const useIsomorphicLayoutEffect = typeof document === 'undefined' ? useEffect : useLayoutEffect;

/** The event the tag dispatches on a slot just before it changes the slot. */
export const DECISION_EVENT = 'slotwise:decision';
