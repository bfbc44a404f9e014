// slotwise/server: Node helpers for a site's back end (cookies, Optimizely offline orders). Re-exports only.
export { readCookies, serverCookieHeaders, refreshCookies } from './cookies';
export type {
  SlotwiseCookies,
  CookieOptions,
  ServerCookieOptions,
  RequestLike,
  NodeRequestLike,
  WebRequestLike,
} from './cookies';
export { sendOfflineOrder } from './send-offline-order';
export type { OfflineOrderOptions, OfflineOrderResult } from './send-offline-order';
export { offlineOrderBody, OFFLINE_ORDER_PATH } from './offline-order-body';
export type {
  OfflineOrder,
  OfflineOrderUser,
  OfflineOrderItem,
  OfflineOrderBody,
  OrderAttributes,
} from './offline-order-body';
export { SlotwiseError, isSlotwiseError } from '../types/errors';
export type { FailReason } from '../types/errors';
export type { Failure } from '../shared/result';
