/**
 * Entry of the tour page (web/tour.html): builds the view and exposes `window.__tour` for the
 * browser tests and the console.
 */
import 'maplibre-gl/dist/maplibre-gl.css';
import '../map/map.css';
import './tour.css';
import { TourView, type TourHandle } from './tour.view.ts';

declare global {
  interface Window {
    /** Test and console hook of the tour page. */
    __tour: TourHandle;
  }
}

const root = document.getElementById('app');
if (!root) throw new Error('tour.html lacks #app');
window.__tour = new TourView(root).handle();
