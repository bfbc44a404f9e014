// What the server tells the app: the tag's options (pointing at the sandbox) and how to start.
import type { TagOptions } from 'slotwise';

export interface AppConfig {
  /** Server-rendered: the client hydrates instead of rendering. */
  ssr: boolean;
  /** Wrapped in <StrictMode>. */
  strict: boolean;
  tag: TagOptions;
  /** Renders differently on the server and in the browser: proves the test sees a hydration mismatch. */
  mismatch?: boolean;
}

export const CONFIG_ID = 'app-config';
