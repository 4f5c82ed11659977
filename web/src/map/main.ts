/**
 * Entry of the map page (web/index.html): builds the view and exposes `window.__app` for the
 * browser tests and the console.
 */
import 'maplibre-gl/dist/maplibre-gl.css';
import './map.css';
import { MapView, type AppHandle } from './map.view.ts';

declare global {
  interface Window {
    /** Test and console hook: the map, a readiness promise, and two actions. */
    __app: AppHandle;
  }
}

const root = document.getElementById('app');
if (!root) throw new Error('index.html lacks #app');
window.__app = new MapView(root).handle();
