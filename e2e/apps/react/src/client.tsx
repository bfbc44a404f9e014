import { createRoot, hydrateRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { App } from './app';
import { CONFIG_ID, type AppConfig } from './config';

const config = JSON.parse(document.getElementById(CONFIG_ID)?.textContent ?? '{}') as AppConfig;
const root = document.getElementById('root')!;
const app = <App config={config} router={(routes) => <BrowserRouter>{routes}</BrowserRouter>} />;
if (config.ssr) hydrateRoot(root, app);
else createRoot(root).render(app);
