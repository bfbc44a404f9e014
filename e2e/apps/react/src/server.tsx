import { renderToString } from 'react-dom/server';
import { StaticRouter } from 'react-router';
import { App } from './app';
import type { AppConfig } from './config';

/** The app's markup for `url` (a path), as the client will hydrate it. */
export function render(url: string, config: AppConfig): string {
  return renderToString(
    <App config={config} router={(routes) => <StaticRouter location={url}>{routes}</StaticRouter>} />,
  );
}
