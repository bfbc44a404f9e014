// ESLint: typescript-eslint's strict, type-checked rules over the library's source, and the
// recommended ones over the tests. Formatting is Prettier's job, not ESLint's.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '**/.tmp/**', 'test-results/**', 'bench/results/**'] },
  js.configs.recommended,
  {
    files: ['src/**/*.{ts,tsx}'],
    extends: [tseslint.configs.strictTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      // Numbers read fine in messages. The other options are spelled out because giving any option
      // replaces the strict preset's set, and the rule's own defaults allow booleans, null and any.
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        {
          allowAny: false,
          allowBoolean: false,
          allowNever: false,
          allowNullish: false,
          allowNumber: true,
          allowRegExp: false,
        },
      ],
    },
  },
  // Tests and their declarations: the recommended rules, without type information (there are many).
  {
    files: ['test/**/*.{ts,tsx}', 'e2e/**/*.{ts,tsx}', '**/*.d.mts', 'demo/**/*.d.ts'],
    extends: [tseslint.configs.recommended],
  },
  // Node scripts: the demo's servers, the benchmarks, the e2e helpers, scripts/ and the configs.
  {
    files: ['**/*.mjs', '**/*.cjs'],
    languageOptions: { globals: globals.node },
  },
  { files: ['**/*.cjs'], languageOptions: { sourceType: 'commonjs' } },
  // Scripts that drive Chromium: the functions they give page.evaluate run in the page, beside the
  // snippet's `slotwise`.
  {
    files: ['bench/**/*.mjs', 'e2e/**/*.mjs'],
    languageOptions: { globals: { ...globals.browser, slotwise: 'readonly' } },
  },
  // The demo shop's own page scripts, ES modules in the browser (deferred: they run after the snippet).
  {
    files: ['demo/site/**/*.js'],
    languageOptions: { globals: { ...globals.browser, slotwise: 'readonly' }, sourceType: 'module' },
  },
);
