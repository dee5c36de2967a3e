// Builds the audit console's pages into ../web-dist, served by the console under /console/.
import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';

const here = new URL('.', import.meta.url);

export default defineConfig({
  root: here.pathname,
  base: '/console/',
  plugins: [preact({ prerender: { enabled: false } })],
  build: {
    outDir: new URL('../web-dist/', here).pathname,
    emptyOutDir: true,
    // The console's Content-Security-Policy allows no inline script, so the preload helper stays out.
    modulePreload: { polyfill: false },
    sourcemap: false,
    target: 'es2022',
    reportCompressedSize: true,
  },
});
