// SPA navigation (the `autoPage` option): the history API has no event for pushState and
// replaceState, so both are wrapped; popstate covers back and forward. Once per URL: a change of
// #hash alone is the same page.

type HistoryMethods = Record<string, (...args: unknown[]) => unknown>;

/** Calls `changed` a task after the page moved to a new URL; the function it returns stops watching. */
export function watchRoutes(changed: () => void): () => void {
  const withoutHash = () => location.href.replace(/#.*/, '');
  let lastUrl = withoutHash();
  // A task later, so the SPA has rendered the new view.
  const onUrlChange = () =>
    setTimeout(() => {
      if (withoutHash() === lastUrl) return;
      lastUrl = withoutHash();
      changed();
    });
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
