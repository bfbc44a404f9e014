// @ts-check
// The Algonomy `rcs` token: the sandbox's stand-in for RR's encrypted cookie string. Like the
// real one it is opaque and case-sensitive, and like the example in the Personalize API
// documentation (`…YH77_Up7…`) it is not only letters and digits: every token carries `_` and
// `-`, so a client that trims, re-encodes or "cleans" it shows. Here it is
// `R1-<base64url of {"rv":[…]}>_<10-char check>`: the products the guest viewed most recently,
// and a checksum that makes a token altered in any way (case, encoding) count as no token.
// A token that does not decode is ignored, never an error: a tag may hold a stale or foreign one.

import { createHash } from 'node:crypto';

const PREFIX = 'R1-';
const CHECK_LENGTH = 10;
/** Enough for the recently viewed list; refuses to spend time on a huge token. */
const MAX_TOKEN_LENGTH = 4096;
export const MAX_VIEWED = 20;

/** @param {string} payload */
const checkOf = (payload) => createHash('sha256').update(payload).digest('base64url').slice(0, CHECK_LENGTH);

/**
 * @param {{ viewed: string[] }} state
 * @returns {string}
 */
export function encodeRcs({ viewed }) {
  const payload = Buffer.from(JSON.stringify({ rv: viewed.slice(-MAX_VIEWED) }), 'utf8').toString('base64url');
  return `${PREFIX}${payload}_${checkOf(payload)}`;
}

/**
 * @param {string | null} token
 * @returns {{ viewed: string[] } | null}
 */
export function decodeRcs(token) {
  if (!token || token.length > MAX_TOKEN_LENGTH || !token.startsWith(PREFIX) || !/^[\w-]+$/.test(token)) return null;
  const payload = token.slice(PREFIX.length, -CHECK_LENGTH - 1);
  if (token.at(-CHECK_LENGTH - 1) !== '_' || checkOf(payload) !== token.slice(-CHECK_LENGTH)) return null;
  try {
    const json = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    const viewed = json?.rv;
    if (!Array.isArray(viewed) || !viewed.every((v) => typeof v === 'string')) return null;
    return { viewed };
  } catch {
    return null;
  }
}

/**
 * Adds ids to a recently viewed list: most recent last, no repeats, at most MAX_VIEWED.
 * @param {string[]} viewed
 * @param {string[]} ids
 */
export function addViewed(viewed, ids) {
  const next = viewed.filter((v) => !ids.includes(v)).concat(ids);
  return next.slice(-MAX_VIEWED);
}
