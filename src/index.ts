export { createTag } from './tag/tag';
export type { Tag, TagEvents } from './tag/api';
export { SlotwiseError, isSlotwiseError } from './types/errors';
export type { FailReason } from './types/errors';
export type { EventResult, BrowserIdResult, Result, Failure } from './shared/result';
export type { Product, Person, Ext, ViewData } from './events/messages';
export type { Channel, Consent, TagOptions } from './types/options';
export type { Content, Creative, Decision, Source } from './types/decision';
export { hideBeforePaint } from './shared/markup';
