// What an HTTP status says about a request. Pure.

/** The API took the request (2xx); whether it did what was asked, its body says. */
export const isSuccess = (status: number): boolean => status >= 200 && status < 300;

/** 408 (timeout), 429 (rate limit) and server errors are worth another try; other 4xx are not. */
export const isRetryable = (status: number): boolean =>
  status === 408 || status === 429 || (status >= 500 && status !== 501 && status !== 505);
