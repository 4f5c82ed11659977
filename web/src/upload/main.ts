/**
 * Entry of the upload and review page (web/upload.html): builds the view and exposes
 * `window.__upload` for the browser tests and the console.
 */
import '../map/map.css';
import './upload.css';
import { UploadView, type UploadHandle } from './upload.view.ts';

declare global {
  interface Window {
    /** Test and console hook: readiness, the preview map and the current preview. */
    __upload: UploadHandle;
  }
}

const root = document.getElementById('app');
if (!root) throw new Error('upload.html lacks #app');
window.__upload = new UploadView(root).handle();
