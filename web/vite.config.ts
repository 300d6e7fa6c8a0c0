import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';
import { fileURLToPath } from 'node:url';

// The staff and public web app; `npm run build:web` writes web/dist, which the API server serves.
// 入户核实 the field app (/field) installs as a PWA: a web manifest and a Workbox service worker that precaches
// the app shell (HTML, scripts, styles, icons) so /field opens without a network. API answers are never
// cached by the service worker: the field app keeps its offline data in its own encrypted store
// (web/src/field/store.ts). The worker is registered only by production builds (web/src/main.tsx).
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [
    react(),
    VitePWA({
      injectRegister: false,
      registerType: 'autoUpdate',
      includeAssets: ['icon-192.png', 'icon-512.png'],
      manifest: {
        name: '振兴·入户核实',
        short_name: '振兴',
        description: '入户核实：离线填写附件2和入户核实记录，拍照、定位、签字，回到有网处再同步',
        lang: 'zh-CN',
        start_url: '/field',
        scope: '/',
        display: 'standalone',
        orientation: 'portrait',
        theme_color: '#a61d24',
        background_color: '#ffffff',
        icons: [
          { src: '/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: '/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: '/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        globPatterns: ['**/*.{js,css,html,png,svg,woff2}'],
        // the admin designers' chunks are large; the shell must still be whole offline
        maximumFileSizeToCacheInBytes: 8 * 1024 * 1024,
        navigateFallback: '/index.html',
        // the API, health checks and file downloads are always asked of the server, never answered from a cache
        navigateFallbackDenylist: [/^\/api\//, /^\/healthz/],
        runtimeCaching: [],
        cleanupOutdatedCaches: true,
        clientsClaim: true,
        skipWaiting: true,
      },
    }),
    {
      // iOS Safari reads its home-screen icon and colour from the page, not the manifest
      name: 'zx-apple-touch',
      transformIndexHtml: () => [
        { tag: 'link', attrs: { rel: 'apple-touch-icon', href: '/icon-192.png' }, injectTo: 'head' },
        { tag: 'meta', attrs: { name: 'theme-color', content: '#a61d24' }, injectTo: 'head' },
        { tag: 'meta', attrs: { name: 'apple-mobile-web-app-capable', content: 'yes' }, injectTo: 'head' },
      ],
    },
  ],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 2500 },
  server: { proxy: { '/api': 'http://127.0.0.1:3000', '/healthz': 'http://127.0.0.1:3000' } },
});
