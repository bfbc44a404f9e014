import { renderToString } from 'react-dom/server';
import { StaticRouter } from 'react-router';
import { App } from './app';
import type { AppConfig } from './config';

// For the page's <head>: slots stay hidden from the first paint until the tag has decided them.
export { hideBeforePaint } from 'slotwise';

/** The app's markup for `url` (a path), as the client will hydrate it. */
export function render(url: string, config: AppConfig): string {
  return renderToString(
    <App config={config} router={(routes) => <StaticRouter location={url}>{routes}</StaticRouter>} />,
  );
}
