import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // The config lives in test/, the paths below are from the repo root.
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    include: ['test/**/*.test.ts'],
    // DOM tests opt in per file with `// @vitest-environment happy-dom`.
    environment: 'node',
  },
});
