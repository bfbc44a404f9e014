// Decision answers are read with a byte limit, counted as the body streams in: a huge answer is
// given up on at the limit, before any of it is parsed or rendered, and never held in full.

/** The most a decision answer may weigh. The vendors' documented answers weigh 1 to 7 kB. */
export const MAX_ANSWER_BYTES = 512 * 1024;

/** The body as text; past the limit, `over()` is told, the rest is not read and the text is empty. */
export async function readUpTo(response: Response, over: () => void): Promise<string> {
  const reader = response.body?.getReader();
  const chunks: BlobPart[] = [];
  let size = 0;
  for (let part; reader && !(part = await reader.read()).done; chunks.push(part.value))
    if ((size += part.value.byteLength) > MAX_ANSWER_BYTES) return (over(), void reader.cancel().catch(() => {}), '');
  return new Blob(chunks).text();
}
