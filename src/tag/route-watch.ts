// SPA navigation (the `autoPage` option): the history API has no event for pushState and
// replaceState, so both are wrapped; popstate covers back and forward. Once per URL: a change of
// #hash alone is the same page.

type HistoryMethods = Record<string, (...args: unknown[]) => unknown>;

/**
Calls `changed` once the page moved to a new URL and the SPA has shown the new view (after the
next frame: frameworks commit a navigation's view before it paints); the function it returns
stops watching.
*/
export function watchRoutes(changed: () => void): () => void {
  const withoutHash = () => location.href.replace(/#.*/, '');
  let lastUrl = withoutHash();
  // A frame and a task later, so that slots the new view replaces are gone, and slots it keeps
  // carry their new attributes.
  const onUrlChange = () =>
    requestAnimationFrame(() =>
      setTimeout(() => {
        if (withoutHash() === lastUrl) return;
        lastUrl = withoutHash();
        changed();
      }),
    );
  const methods = history as unknown as HistoryMethods;
  const restore = ['pushState', 'replaceState'].map((name) => {
    const original = methods[name] as HistoryMethods[string];
    methods[name] = function (this: unknown, ...args: unknown[]) {
      const result = original.apply(this, args);
      onUrlChange();
      return result;
    };
    return () => (methods[name] = original);
  });
  addEventListener('popstate', onUrlChange);
  return () => {
    restore.forEach((undo) => undo());
    removeEventListener('popstate', onUrlChange);
  };
}
