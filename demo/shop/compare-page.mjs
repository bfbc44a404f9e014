// @ts-check
// Side by side: the same shop page as two to four audiences at once, each in a frame of its own
// on the shop's origin, with the slots whose content differs outlined and listed. The page is a
// shell without the tag: compare.js builds the toolbar, the frames and the comparison from the
// URL (`/preview/compare?page=/&as=<preview value>&as=<preview value>`), so a shared link shows
// the same comparison to anyone.

/** @param {import('./pages.mjs').PageEnv} env */
export function comparePage(env) {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Side by side · Stride &amp; Co. preview</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/base.css">
<link rel="stylesheet" href="/compare.css">
<script type="module" nonce="${env.nonce}" src="/compare.js"></script>
</head>
<body class="cmp">
<header class="cmp-bar">
  <h1>Side by side</h1>
  <form id="cmp-page" class="cmp-page">
    <label for="cmp-path">Page</label>
    <input id="cmp-path" name="page" value="/" spellcheck="false" autocomplete="off">
    <button type="submit" class="cmp-btn">Show</button>
  </form>
  <button type="button" class="cmp-btn" id="cmp-add">Add a frame</button>
  <button type="button" class="cmp-btn" id="cmp-copy">Copy link</button>
  <p id="cmp-status" class="cmp-status" role="status" aria-live="polite">Loading the frames…</p>
</header>
<main id="main" class="cmp-main">
  <div id="cmp-frames" class="cmp-frames"></div>
  <section class="cmp-diff" aria-labelledby="cmp-diff-title">
    <h2 id="cmp-diff-title">What each slot shows</h2>
    <div id="cmp-table"><p class="cmp-muted">Waiting for every frame to decide its slots…</p></div>
  </section>
  <noscript><p>Side by side needs JavaScript: it builds the frames from this page's address.</p></noscript>
</main>
</body>
</html>
`;
}
