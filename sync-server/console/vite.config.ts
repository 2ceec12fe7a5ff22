import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

// The server serves the built console under /console/ and the API under /api/ on the same
// origin, so the development server only needs to forward /api to a running cgt-server.
export default defineConfig({
  base: '/console/',
  plugins: [vue()],
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
  build: { chunkSizeWarningLimit: 2000 },
})
