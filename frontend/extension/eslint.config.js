// ESLint for the browser extension: plain ES modules loaded as they are
// (no bundler), two classic content scripts, Node build scripts and tests.
// Run with `npm run lint`.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';

export default defineConfig(
  globalIgnores(['dist/', 'coverage/', 'build/']),
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  js.configs.recommended,
  {
    rules: {
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-var': 'error',
      'prefer-const': 'error',
      'object-shorthand': 'error',
      'no-shadow': 'error',
      'no-throw-literal': 'error',
      'no-promise-executor-return': 'error',
      'no-unused-vars': ['error', { args: 'after-used', argsIgnorePattern: '^_', caughtErrors: 'all' }],
      // The extension pages forbid eval in their CSP; keep it out of the code too.
      'no-eval': 'error',
      'no-implied-eval': 'error',
      'no-new-func': 'error',
    },
  },
  {
    // Everything the browser loads: extension pages, the service worker
    // and the content scripts.
    files: ['src/**/*.js'],
    languageOptions: { globals: { ...globals.browser, ...globals.webextensions } },
    rules: {
      // Server text is shown as text: build nodes (ui.js h()), never parse HTML.
      'no-restricted-properties': ['error',
        { property: 'innerHTML', message: 'Build nodes with h() or textContent.' },
        { property: 'outerHTML', message: 'Build nodes with h() or textContent.' },
        { property: 'insertAdjacentHTML', message: 'Build nodes with h() or textContent.' },
      ],
    },
  },
  {
    files: ['src/background.js'],
    languageOptions: { globals: { ...globals.serviceworker, ...globals.webextensions } },
  },
  {
    // Content scripts are classic scripts (MV3 cannot load them as modules);
    // they share the page's global scope, so nothing may leak into it.
    files: ['src/compose.js', 'src/content.js'],
    languageOptions: { sourceType: 'script' },
    rules: {
      'no-implicit-globals': 'error',
      strict: ['error', 'function'],
    },
  },
  {
    files: ['test/**/*.js'],
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
  },
  {
    // The browser tests pass functions to page.evaluate, which run in the page.
    files: ['e2e/**/*.mjs'],
    languageOptions: { globals: { ...globals.node, ...globals.browser, ...globals.webextensions } },
  },
  {
    files: ['scripts/**/*.mjs', '*.config.{js,mjs}', 'eslint.config.js'],
    languageOptions: { globals: globals.node },
  },
);
