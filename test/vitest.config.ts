import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // The config lives in test/, the paths below are from the repo root.
  root: fileURLToPath(new URL('..', import.meta.url)),
  // slotwise/react imports the core by the package's name (tsconfig.json maps it the same way).
  resolve: { alias: [{ find: /^slotwise$/, replacement: fileURLToPath(new URL('../src/index.ts', import.meta.url)) }] },
  test: {
    include: ['test/**/*.test.{ts,tsx}'],
    // DOM tests opt in per file with `// @vitest-environment happy-dom`.
    environment: 'node',
  },
});
