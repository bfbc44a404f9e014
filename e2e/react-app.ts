// Serves the React example app (e2e/apps/react, built by its build.mjs into e2e/.tmp/react-app/)
// from a server of its own on 127.0.0.1, as a site would: every route is a page under a strict CSP
// with a fresh nonce, either server-rendered for hydrateRoot or an empty root for createRoot, with
// the slots' hide-before-paint rule in <head>. The tag's options point at the sandbox.
import { randomBytes } from 'node:crypto';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createSite, type Site } from '../demo/server/site.mjs';
import { strictCsp } from '../demo/shop/shop.mjs';
import type { AppConfig } from './apps/react/src/config';
import { CONFIG_ID } from './apps/react/src/config';

const OUT = fileURLToPath(new URL('./.tmp/react-app/', import.meta.url));

export interface AppOptions {
  ssr: boolean;
  strict: boolean;
  /** The sandbox's origin: the tag's APIs. */
  api: string;
  clientKey: string;
  mismatch?: boolean;
}

/** JSON that is safe inside a <script> element. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

export async function startApp({ ssr, strict, api, clientKey, mismatch = false }: AppOptions): Promise<Site> {
  const { render, hideBeforePaint } = (await import(pathToFileURL(`${OUT}server/server.mjs`).href)) as {
    render(url: string, config: AppConfig): string;
    hideBeforePaint: string;
  };
  return createSite({
    routes: [
      {
        method: 'GET',
        pattern: /^\/(product\/[A-Za-z0-9]+)?$/,
        api: false,
        handle({ path }: { path: string }) {
          const nonce = randomBytes(16).toString('base64');
          const config: AppConfig = {
            ssr,
            strict,
            mismatch,
            tag: {
              clientKey,
              target: api,
              pointOfSale: 'e2e/uk',
              currency: 'EUR',
              browserId: 'local',
              placements: { target: api, apiKey: 'key', apiClientKey: 'client' },
              offers: { target: api, identityNamespace: 'Slotwise' },
              // Generous, so a loaded machine never turns a decision into a timeout.
              revealAfterMs: 5000,
              nonce,
            },
          };
          const body = ssr ? render(path, config) : '';
          return {
            status: 200,
            headers: {
              'Content-Type': 'text/html; charset=utf-8',
              'Cache-Control': 'no-store',
              'Content-Security-Policy': strictCsp({ nonce, api, policies: 'slotwise' }),
            },
            body:
              `<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>Slotwise React</title>` +
              `<link rel="icon" href="data:,"><style nonce="${nonce}">${hideBeforePaint}</style>` +
              `<script type="module" nonce="${nonce}" src="/app/client.js"></script></head>` +
              `<body><div id="root">${body}</div>` +
              `<script type="application/json" id="${CONFIG_ID}">${scriptJson(config)}</script></body></html>`,
          };
        },
      },
    ],
    static: { '/app/': `${OUT}client` },
  });
}
