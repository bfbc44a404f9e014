// slotwise/react: the tag in a React app (React 18 or 19). The built file starts with
// 'use client'; it imports the core as 'slotwise', so the app and this share one tag.
export { SlotwiseProvider, useTag, type SlotwiseProviderProps } from './provider';
export { Slot, type SlotProps } from './slot';
export { useDecision, usePage, type DecisionResult } from './hooks';
export { slotAttributes, stableJson, type SlotAttributes, type SlotSettings, type SlotTarget } from './attributes';
