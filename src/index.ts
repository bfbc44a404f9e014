export { createTag } from './tag';
export type { Tag, TagEvents } from './tag';
export { SlotwiseError, isSlotwiseError } from './errors';
export type { FailReason } from './errors';
export type { TagOptions, Consent, Channel } from './options';
export type { EventResult, BrowserIdResult, Result, Failure } from './result';
export type { Product, Person, Ext, ViewData } from './events/messages';
