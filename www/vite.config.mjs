// Vite multi-page build of the six role portals, of the platform's home page (www/index.html,
// served at /: a link to each portal, and one small script that fills in the 技术支持联系方式) and of the demo's simulated payment gateway
// (paysim: built always, served by nginx only in the demo configuration).
// www/<page>/index.html -> www/dist/<page>/index.html, shared code in www/dist/assets/; the
// 操作手册 (www/manual/index.html, the same small script) beside them.
// Templates are precompiled by @vitejs/plugin-vue and `vue` resolves to the runtime-only
// build, so the pages run under `script-src 'self'` without 'unsafe-eval'.
import { fileURLToPath } from 'node:url'
import { resolve } from 'node:path'
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import components from 'unplugin-vue-components/vite'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'

const root = fileURLToPath(new URL('.', import.meta.url))
export const roles = ['applicant', 'unit', 'county', 'city', 'hrb', 'admin']
const pages = [...roles, 'paysim', 'manual']

// Long-lived vendor chunks shared by every portal (cached once by the browser).
function vendorChunk(id) {
  if (!id.includes('/node_modules/')) return undefined
  if (/\/node_modules\/(@vue|vue|vue-router)\//.test(id)) return 'vue'
  return undefined
}

export default defineConfig({
  root,
  base: '/',
  publicDir: false,
  // Element Plus components are imported where a template uses them (and their CSS with them),
  // not registered globally: a login page does not download the table and the date picker.
  // Only Element Plus is resolved this way; our own components are imported explicitly.
  plugins: [
    vue(),
    components({ dirs: [], dts: false, resolvers: [ElementPlusResolver({ importStyle: 'css' })] }),
  ],
  build: {
    outDir: resolve(root, 'dist'),
    emptyOutDir: true,
    assetsDir: 'assets',
    target: 'es2020',
    // Never inline assets as data: URIs into scripts; keep everything a same-origin file.
    assetsInlineLimit: 0,
    // Vite's preload helper would otherwise be the only thing needing a polyfill; all
    // supported browsers have <link rel=modulepreload>.
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 300,
    rollupOptions: {
      input: {
        index: resolve(root, 'index.html'),
        ...Object.fromEntries(pages.map((r) => [r, resolve(root, r, 'index.html')])),
      },
      output: { manualChunks: vendorChunk },
    },
  },
})
