// slotwise/server: Node helpers for a site's back end (cookies, Optimizely offline orders). Re-exports only.
export { readCookies, serverCookieHeaders, refreshCookies } from './cookies';
export type { SlotwiseCookies, CookieOptions, ServerCookieOptions, RequestLike, NodeRequestLike, WebRequestLike } from './cookies';
export { sendOfflineOrder } from './offline-order';
export type { OfflineOrderOptions, OfflineOrderResult } from './offline-order';
export { offlineOrderBody, OFFLINE_ORDER_PATH } from './order';
export type { OfflineOrder, OfflineOrderUser, OfflineOrderItem, OfflineOrderBody, OrderAttributes } from './order';
export { SlotwiseError, isSlotwiseError } from '../errors';
export type { FailReason } from '../errors';
export type { Failure } from '../result';
