/// <reference types="vitest/config" />
import { defineConfig } from 'vite';

// The Go binary embeds dist/ and serves hashed files under /static/ (so they
// never collide with the app's own /assets/:id pages) and index.html for
// every other page.
export default defineConfig({
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: 'dist',
    // dist/.gitkeep is tracked so that go:embed finds the folder in a fresh
    // clone; scripts/clean.mjs removes the previous build instead.
    emptyOutDir: false,
    assetsDir: 'static',
    chunkSizeWarningLimit: 1200,
    rolldownOptions: {
      onLog(level, log, handler) {
        // Libraries marked "use client" for server components; this app
        // has none, so the directive means nothing here.
        if (log.code === 'MODULE_LEVEL_DIRECTIVE') return;
        handler(level, log);
      },
    },
  },
  server: {
    proxy: {
      '/api': 'http://localhost:8080',
      '/l/': 'http://localhost:8080',
      '/blobs': 'http://localhost:8080',
    },
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['src/test/setup.ts'],
    css: false,
  },
});
