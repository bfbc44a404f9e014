// slotwise/react: the tag in a React app (React 18 or 19). Client components (the build keeps the
// directive on top of dist/react.*); it imports the core as 'slotwise', so the app and this share
// one tag.
'use client';
export { SlotwiseProvider, useTag, type SlotwiseProviderProps } from './provider';
export { Slot, type SlotProps } from './slot';
export { useDecision, usePage, type DecisionResult } from './hooks';
export { slotAttributes, stableJson, type SlotAttributes, type SlotSettings, type SlotTarget } from './attributes';
