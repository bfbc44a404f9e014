// @ts-check
// The Algonomy `rcs` token: the sandbox's stand-in for RR's encrypted cookie string. Like the
// real one it is opaque, case-sensitive and letters-and-digits only (seed 001); here it is
// base62 of a small JSON `{"rv":[…]}` carrying the product ids the guest viewed most recently.
// A token that does not decode is ignored, never an error: a tag may hold a stale or foreign one.

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const BASE = 62n;
/** Enough for the recently viewed list; refuses to spend time on a huge token. */
const MAX_TOKEN_LENGTH = 4096;
export const MAX_VIEWED = 20;

/**
 * @param {{ viewed: string[] }} state
 * @returns {string}
 */
export function encodeRcs({ viewed }) {
  const bytes = Buffer.from(JSON.stringify({ rv: viewed.slice(-MAX_VIEWED) }), 'utf8');
  // The JSON starts with "{", never a zero byte, so no leading bytes are lost to the number.
  let n = BigInt(`0x${bytes.toString('hex')}`);
  let out = '';
  while (n > 0n) {
    out = ALPHABET[Number(n % BASE)] + out;
    n /= BASE;
  }
  return out;
}

/**
 * @param {string | null} token
 * @returns {{ viewed: string[] } | null}
 */
export function decodeRcs(token) {
  if (!token || token.length > MAX_TOKEN_LENGTH || !/^[A-Za-z0-9]+$/.test(token)) return null;
  let n = 0n;
  for (const c of token) n = n * BASE + BigInt(ALPHABET.indexOf(c));
  let hex = n.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  try {
    const json = JSON.parse(Buffer.from(hex, 'hex').toString('utf8'));
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
