/**
 * Builds the web client: `web/` is the root, output goes to `web/dist` (served by the server at
 * `/`). Each page is one HTML entry in `build.rolldownOptions.input` (Vite 8), so later views
 * (3D tiles, BIM) get their own chunks and the 2D map never loads three.js or web-ifc.
 * `npx vite` serves the client for development and proxies `/api` and `/tiles` to the server.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const webRoot = fileURLToPath(new URL('./web', import.meta.url));

export default defineConfig({
  root: webRoot,
  base: '/',
  build: {
    outDir: fileURLToPath(new URL('./web/dist', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    // maplibre-gl and deck.gl are large by nature; they get their own cacheable chunks below.
    chunkSizeWarningLimit: 1200,
    rolldownOptions: {
      input: {
        // The portal (landing `/`, park cards, the officers' enquiry inbox) never loads maplibre to paint.
        portal: fileURLToPath(new URL('./web/index.html', import.meta.url)),
        park: fileURLToPath(new URL('./web/park.html', import.meta.url)),
        enquiries: fileURLToPath(new URL('./web/enquiries.html', import.meta.url)),
        // Staff: policies and featured projects (招商政策与推介项目).
        policies: fileURLToPath(new URL('./web/policies.html', import.meta.url)),
        map: fileURLToPath(new URL('./web/map.html', import.meta.url)),
        upload: fileURLToPath(new URL('./web/upload.html', import.meta.url)),
        select: fileURLToPath(new URL('./web/select.html', import.meta.url)),
        // The public site finder: search, filters, result list beside a map.
        find: fileURLToPath(new URL('./web/find.html', import.meta.url)),
        tour: fileURLToPath(new URL('./web/tour.html', import.meta.url)),
        // The statistics dashboard: ECharts (tree-shaken) only here; exceljs is a lazy chunk loaded on export.
        stats: fileURLToPath(new URL('./web/stats.html', import.meta.url)),
      },
      output: {
        codeSplitting: {
          groups: [
            // Vite's tiny dynamic-import helper in a chunk of its own: otherwise it lands in a big shared
            // chunk (deck.gl) that pages with one lazy import (the park card's map) would then preload.
            { name: 'preload-helper', test: /preload-helper/, priority: 20 },
            { name: 'maplibre', test: /node_modules[\\/]maplibre-gl/ },
            // The deck.gl core the 2D page needs. Deliberately not all of deck.gl: 3D buildings
            // (@deck.gl/geo-layers, @deck.gl/extensions, @loaders.gl/mvt|gis, @math.gl/culling|polygon,
            // the polygon layers of @deck.gl/layers) are left to the lazily imported
            // `extrusion.layer` chunk, so the 2D page never downloads them.
            {
              name: 'deckgl',
              test: /node_modules[\\/](@deck\.gl[\\/](core|mapbox)|@luma\.gl[\\/](core|engine|shadertools|webgl|gpgpu|constants)|@math\.gl[\\/](core|web-mercator|types)|@probe\.gl|@loaders\.gl[\\/](core|loader-utils|worker-utils|images)|mjolnir\.js|gl-matrix|@mapbox[\\/]tiny-sdf)[\\/]/,
            },
          ],
        },
      },
    },
  },
  server: {
    port: 5173,
    proxy: {
      '/api': { target: process.env.API_URL ?? 'http://localhost:8080', changeOrigin: false },
      // Vector tiles and their TileJSON (the map's data).
      '/tiles': { target: process.env.API_URL ?? 'http://localhost:8080', changeOrigin: false },
    },
  },
});
