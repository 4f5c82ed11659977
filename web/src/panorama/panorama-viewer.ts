/**
 * The 360° viewer: an equirectangular image on the inside of a three.js sphere, looked at from
 * its centre. Drag (mouse, touch, pen) to look around, wheel / pinch / +− keys to zoom, arrow keys
 * to turn. Hotspots are DOM elements placed at compass bearings, re-projected on every frame.
 *
 * Directions are compass degrees (0 = north, clockwise). The image centre faces `heading`
 * (GPano PoseHeadingDegrees); the column at x faces heading + (x / width − 0.5) · 360°. With the
 * sphere mirrored in x (so the image reads the right way round from inside), compass yaw Y and
 * pitch P look along (−cos d · cos P, sin P, −sin d · cos P) with d = Y − heading.
 *
 * This module is the only one that imports three.js, and pages load it with `import()` only when
 * a panorama is opened, so the 2D map never downloads three.js. Frames are drawn on demand (after
 * a view change or a resize), not continuously: software-rendered WebGL stays idle.
 */
import * as THREE from 'three';

/** Limits of the view. */
export const VIEW_LIMITS = { pitch: 85, fov: { min: 25, max: 100, initial: 75 } } as const;

/** A view direction and zoom. */
export interface PanoramaView {
  /** Compass yaw, degrees 0..360. */
  yaw: number;
  /** Degrees above (+) or below (−) the horizon. */
  pitch: number;
  /** Vertical field of view, degrees. */
  fov: number;
}

/** A clickable marker at a compass bearing. */
export interface Hotspot {
  /** Compass bearing from the standpoint, degrees. */
  bearing: number;
  /** Degrees below the horizon where the marker sits (nearer things lower). */
  depression: number;
  element: HTMLElement;
}

const rad = (d: number) => (d * Math.PI) / 180;
const wrap = (d: number) => ((d % 360) + 360) % 360;

/** Unit direction for compass `yaw` and `pitch` in an image whose centre faces `heading`. */
export function directionOf(yaw: number, pitch: number, heading: number): THREE.Vector3 {
  const d = rad(yaw - heading);
  const p = rad(pitch);
  return new THREE.Vector3(-Math.cos(d) * Math.cos(p), Math.sin(p), -Math.sin(d) * Math.cos(p));
}

/** The viewer on one element. Create with `new PanoramaViewer(container)`, then `load(url, heading)`. */
export class PanoramaViewer {
  readonly canvas: HTMLCanvasElement;
  private readonly renderer: THREE.WebGLRenderer;
  private readonly scene = new THREE.Scene();
  private readonly camera: THREE.PerspectiveCamera;
  private readonly sphere: THREE.Mesh<THREE.SphereGeometry, THREE.MeshBasicMaterial>;
  private readonly hotspotLayer: HTMLElement;
  private hotspots: Hotspot[] = [];
  private heading = 0;
  private view: PanoramaView = { yaw: 0, pitch: 0, fov: VIEW_LIMITS.fov.initial };
  private frame = 0;
  private readonly pointers = new Map<number, { x: number; y: number }>();
  private pinchDistance = 0;
  private readonly resizeObserver: ResizeObserver;
  private readonly listeners = new Set<(v: PanoramaView) => void>();
  private disposed = false;

  constructor(private readonly container: HTMLElement) {
    this.renderer = new THREE.WebGLRenderer({ antialias: true, preserveDrawingBuffer: true });
    this.renderer.setPixelRatio(Math.min(window.devicePixelRatio, 2));
    this.canvas = this.renderer.domElement;
    this.canvas.className = 'pano-canvas';
    this.canvas.tabIndex = 0;
    this.canvas.setAttribute('aria-label', 'panorama');
    this.camera = new THREE.PerspectiveCamera(this.view.fov, 1, 1, 1100);
    const geometry = new THREE.SphereGeometry(500, 64, 32);
    geometry.scale(-1, 1, 1);
    this.sphere = new THREE.Mesh(geometry, new THREE.MeshBasicMaterial({ color: 0x8a9aa8 }));
    this.scene.add(this.sphere);
    this.hotspotLayer = document.createElement('div');
    this.hotspotLayer.className = 'pano-hotspots';
    container.append(this.canvas, this.hotspotLayer);

    this.canvas.addEventListener('pointerdown', this.onPointerDown);
    this.canvas.addEventListener('pointermove', this.onPointerMove);
    this.canvas.addEventListener('pointerup', this.onPointerUp);
    this.canvas.addEventListener('pointercancel', this.onPointerUp);
    this.canvas.addEventListener('wheel', this.onWheel, { passive: false });
    this.canvas.addEventListener('keydown', this.onKey);
    this.resizeObserver = new ResizeObserver(() => this.resize());
    this.resizeObserver.observe(container);
    this.resize();
  }

  /**
   * Show the equirectangular image at `url` whose centre faces compass `heading`. Resolves when
   * the image is drawn; rejects when it cannot be loaded. `signal` abandons the load.
   */
  async load(url: string, heading: number, signal?: AbortSignal): Promise<void> {
    const texture = await new Promise<THREE.Texture>((resolve, reject) => {
      new THREE.TextureLoader().load(url, resolve, undefined, () => reject(new Error(`cannot load ${url}`)));
    });
    if (signal?.aborted || this.disposed) {
      texture.dispose();
      throw new DOMException('panorama load aborted', 'AbortError');
    }
    texture.colorSpace = THREE.SRGBColorSpace;
    texture.anisotropy = Math.min(4, this.renderer.capabilities.getMaxAnisotropy());
    const material = this.sphere.material;
    material.map?.dispose();
    material.map = texture;
    material.color.set(0xffffff);
    material.needsUpdate = true;
    this.heading = wrap(heading);
    this.requestRender();
    await new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));
  }

  /** The current view. */
  getView(): PanoramaView {
    return { ...this.view };
  }

  /** Look at `view` (missing fields unchanged); yaw wraps, pitch and fov are clamped. */
  setView(view: Partial<PanoramaView>): void {
    const v = { ...this.view, ...view };
    v.yaw = wrap(v.yaw);
    v.pitch = Math.max(-VIEW_LIMITS.pitch, Math.min(VIEW_LIMITS.pitch, v.pitch));
    v.fov = Math.max(VIEW_LIMITS.fov.min, Math.min(VIEW_LIMITS.fov.max, v.fov));
    this.view = v;
    this.requestRender();
    for (const fn of this.listeners) fn(this.getView());
  }

  /** Call `fn` after every view change. Returns the unsubscribe function. */
  onViewChange(fn: (v: PanoramaView) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Replace the hotspots. */
  setHotspots(hotspots: Hotspot[]): void {
    this.hotspots = hotspots;
    this.hotspotLayer.replaceChildren(...hotspots.map((h) => h.element));
    this.requestRender();
  }

  /** Compass yaw of the hotspot placed at screen x, for tests: where it is drawn. */
  screenPositionOf(bearing: number, depression: number): { x: number; y: number; visible: boolean } {
    const v = directionOf(bearing, -depression, this.heading).multiplyScalar(100);
    const forward = directionOf(this.view.yaw, this.view.pitch, this.heading);
    const visible = v.clone().normalize().dot(forward) > 0.05;
    v.project(this.camera);
    const w = this.canvas.clientWidth;
    const h = this.canvas.clientHeight;
    return { x: ((v.x + 1) / 2) * w, y: ((1 - v.y) / 2) * h, visible: visible && Math.abs(v.x) <= 1.1 && Math.abs(v.y) <= 1.1 };
  }

  /** Free the GPU resources and listeners. */
  dispose(): void {
    this.disposed = true;
    cancelAnimationFrame(this.frame);
    this.resizeObserver.disconnect();
    this.sphere.material.map?.dispose();
    this.sphere.material.dispose();
    this.sphere.geometry.dispose();
    this.renderer.dispose();
    this.canvas.remove();
    this.hotspotLayer.remove();
    this.listeners.clear();
  }

  // ------------------------------------------------------------------ drawing

  private requestRender(): void {
    if (this.frame || this.disposed) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  private render(): void {
    const { yaw, pitch, fov } = this.view;
    this.camera.fov = fov;
    this.camera.updateProjectionMatrix();
    this.camera.lookAt(directionOf(yaw, pitch, this.heading));
    this.renderer.render(this.scene, this.camera);
    for (const h of this.hotspots) {
      const p = this.screenPositionOf(h.bearing, h.depression);
      h.element.hidden = !p.visible;
      if (p.visible) h.element.style.transform = `translate(${p.x.toFixed(1)}px, ${p.y.toFixed(1)}px) translate(-50%, -50%)`;
    }
  }

  private resize(): void {
    const w = Math.max(1, this.container.clientWidth);
    const h = Math.max(1, this.container.clientHeight);
    this.renderer.setSize(w, h, false);
    this.canvas.style.width = `${w}px`;
    this.canvas.style.height = `${h}px`;
    this.camera.aspect = w / h;
    this.requestRender();
  }

  // ------------------------------------------------------------------ input

  /** Degrees of view per pixel of drag at the current zoom. */
  private degreesPerPixel(): number {
    return this.view.fov / Math.max(1, this.canvas.clientHeight);
  }

  private readonly onPointerDown = (e: PointerEvent) => {
    this.canvas.setPointerCapture(e.pointerId);
    this.pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
    if (this.pointers.size === 2) this.pinchDistance = this.currentPinchDistance();
    this.canvas.classList.add('dragging');
    this.canvas.focus({ preventScroll: true });
  };

  private readonly onPointerMove = (e: PointerEvent) => {
    const last = this.pointers.get(e.pointerId);
    if (!last) return;
    const dx = e.clientX - last.x;
    const dy = e.clientY - last.y;
    this.pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
    if (this.pointers.size >= 2) {
      const d = this.currentPinchDistance();
      if (this.pinchDistance > 0 && d > 0) this.setView({ fov: this.view.fov * (this.pinchDistance / d) });
      this.pinchDistance = d;
      return;
    }
    // Drag the image: moving the pointer left turns the view right.
    const k = this.degreesPerPixel();
    this.setView({ yaw: this.view.yaw - dx * k, pitch: this.view.pitch + dy * k });
  };

  private readonly onPointerUp = (e: PointerEvent) => {
    this.pointers.delete(e.pointerId);
    if (this.pointers.size < 2) this.pinchDistance = 0;
    if (this.pointers.size === 0) this.canvas.classList.remove('dragging');
  };

  private currentPinchDistance(): number {
    const [a, b] = [...this.pointers.values()];
    return a && b ? Math.hypot(a.x - b.x, a.y - b.y) : 0;
  }

  private readonly onWheel = (e: WheelEvent) => {
    e.preventDefault();
    const delta = e.deltaMode === 1 ? e.deltaY * 16 : e.deltaY;
    this.setView({ fov: this.view.fov * Math.pow(1.0015, delta) });
  };

  private readonly onKey = (e: KeyboardEvent) => {
    const step = 5;
    const actions: Record<string, Partial<PanoramaView>> = {
      ArrowLeft: { yaw: this.view.yaw - step }, ArrowRight: { yaw: this.view.yaw + step },
      ArrowUp: { pitch: this.view.pitch + step }, ArrowDown: { pitch: this.view.pitch - step },
      '+': { fov: this.view.fov / 1.15 }, '=': { fov: this.view.fov / 1.15 }, '-': { fov: this.view.fov * 1.15 },
    };
    const a = actions[e.key];
    if (!a) return;
    e.preventDefault();
    this.setView(a);
  };
}
