/**
 * 3D assets in the map's 3D mode, imported on the first switch to 3D (with @deck.gl/geo-layers,
 * @deck.gl/mesh-layers and @loaders.gl/3d-tiles, so the 2D page never downloads them):
 *
 * - every tileset the viewer may see (`GET /api/tilesets`) as a deck.gl `Tile3DLayer` streaming its
 *   tiles by screen-space error, placed by the tileset's own transform (the server writes
 *   `root.transform` for tilesets placed by staff), sharing MapLibre's depth buffer (interleaved)
 *   with the extruded buildings;
 * - every BIM model (`GET /api/models`) as a `SimpleMeshLayer` at its placement (metre offsets
 *   from lon/lat/height), its GLB flattened by `glb-reader.ts`; a click casts the pixel's ray
 *   through the model (CPU, against the element triangles), and the element's IFC properties
 *   (`propertiesUrl`) open in the element panel.
 *
 * `window.__threeD` exposes the state for tests.
 */
import { COORDINATE_SYSTEM, type Layer, type Viewport } from '@deck.gl/core';
import { Tile3DLayer } from '@deck.gl/geo-layers';
import { SimpleMeshLayer } from '@deck.gl/mesh-layers';
import { Tiles3DLoader } from '@loaders.gl/3d-tiles';
import { readGlb, pickNode, type FlatModel } from './glb-reader.ts';
import { ElementPanel, type ElementProperties } from './element-panel.component.ts';
import { isAbortError, requestBytes, requestJson } from '../shared/http.client.ts';

/** A tileset as `GET /api/tilesets` lists it. */
export interface TilesetInfo {
  id: number;
  name: string;
  /** Park the mesh covers (its extruded buildings are hidden in 3D to avoid z-fighting). */
  park_id?: number | null;
  url: string;
  center_lon: number | null;
  center_lat: number | null;
}

/** A model as `GET /api/models` lists it. */
export interface ModelInfo {
  id: number;
  name: string;
  /** Carrier (building) the model stands on: its extrusion is hidden in 3D. */
  carrier_id?: number | null;
  lon: number;
  lat: number;
  height: number;
  heading: number;
  gltfUrl: string;
  propertiesUrl: string;
}

interface LoadedModel {
  info: ModelInfo;
  flat: FlatModel;
  mesh: Record<string, unknown>;
  selectedNode: number | null;
  properties: Promise<{ elements: ElementProperties[] }> | null;
}

/** Colour of the picked element. */
const SELECTED_RGB = [1, 0.84, 0];

/** What the tests read through `window.__threeD`. */
export interface ThreeDStats {
  tilesets: number;
  models: number;
  tilesLoaded: number;
  tilesetsLoaded: number;
  modelsLoaded: number;
  lastPick: ElementProperties | null;
  errors: string[];
  /** Per tileset id: whether its tileset.json loaded, how many tile contents loaded, its errors. */
  byTileset: Record<number, { loaded: boolean; tilesLoaded: number; errors: string[] }>;
}

/** The 3D assets of the map: load once, then hand deck.gl layers on every render. */
export class ThreeDAssets {
  private tilesets: TilesetInfo[] = [];
  private models = new Map<number, LoadedModel>();
  private loading: Promise<void> | null = null;
  private readonly panel: ElementPanel;
  readonly stats: ThreeDStats = { tilesets: 0, models: 0, tilesLoaded: 0, tilesetsLoaded: 0, modelsLoaded: 0, lastPick: null, errors: [], byTileset: {} };
  /** Ids of the tilesets drawn; null draws all (tests and comparisons hide the others). */
  private shown: Set<number> | null = null;
  /** Ids of the BIM models drawn; null draws all. */
  private shownModels: Set<number> | null = null;

  constructor(
    container: HTMLElement,
    /** Called when something new can be drawn (layers changed). */
    private readonly onChange: () => void,
    /** The deck.gl viewport of the map (for click rays). */
    private readonly viewport: () => Viewport | null,
  ) {
    this.panel = new ElementPanel(container, () => this.clearSelection());
    (window as unknown as { __threeD: ThreeDAssets }).__threeD = this;
  }

  /** Fetches the lists (once; `reload` refetches, e.g. after signing in). */
  load(reload = false): Promise<void> {
    if (this.loading && !reload) return this.loading;
    const controller = new AbortController();
    this.loading = (async () => {
      try {
        const [ts, ms] = await Promise.all([
          requestJson<{ tilesets: TilesetInfo[] }>('/api/tilesets', { signal: controller.signal }),
          requestJson<{ models: ModelInfo[] }>('/api/models', { signal: controller.signal }),
        ]);
        this.tilesets = ts.tilesets as TilesetInfo[];
        this.stats.tilesets = this.tilesets.length;
        const models = ms.models as ModelInfo[];
        this.stats.models = models.length;
        this.onChange();
        await Promise.all(models.filter((m) => !this.models.has(m.id)).map((m) => this.loadModel(m, controller.signal)));
      } catch (err) {
        // A failed list is reported, not shown as "no 3D content".
        if (!isAbortError(err)) this.stats.errors.push(String(err));
      }
    })();
    return this.loading;
  }

  /**
   * What the 3D assets replace: parks covered by a drawn oblique-photography mesh and carriers with a
   * BIM model standing on them. Their extruded boxes would z-fight with the real geometry.
   */
  replaced(): { parks: number[]; carriers: number[] } {
    const parks = this.tilesets.filter((t) => t.park_id != null && (!this.shown || this.shown.has(t.id))).map((t) => Number(t.park_id));
    const carriers = [...this.models.values()].filter((m) => m.info.carrier_id != null).map((m) => Number(m.info.carrier_id));
    return { parks, carriers };
  }

  /** Shows a tileset that is not (yet) in the list, e.g. a staff draft just uploaded. */
  addTileset(t: TilesetInfo): void {
    if (!this.tilesets.some((x) => x.id === t.id)) this.tilesets.push(t);
    this.stats.tilesets = this.tilesets.length;
    this.onChange();
  }

  /** Draws only the tilesets `ids` (null: all again). */
  showOnlyTilesets(ids: number[] | null): void {
    this.shown = ids ? new Set(ids) : null;
    this.onChange();
  }

  /** Draws only the BIM models `ids` (null: all again). */
  showOnlyModels(ids: number[] | null): void {
    this.shownModels = ids ? new Set(ids) : null;
    this.onChange();
  }

  /** Loads and shows one model. */
  async addModel(m: ModelInfo): Promise<void> {
    if (!this.models.has(m.id)) await this.loadModel(m, new AbortController().signal);
  }

  private async loadModel(info: ModelInfo, signal: AbortSignal): Promise<void> {
    try {
      const flat = readGlb(await requestBytes(info.gltfUrl, { signal }), info.heading);
      this.models.set(info.id, { info, flat, mesh: meshOf(flat), selectedNode: null, properties: null });
      this.stats.modelsLoaded++;
      this.onChange();
    } catch (err) {
      if (!isAbortError(err)) this.stats.errors.push(`model ${info.id}: ${String(err)}`);
    }
  }

  /** deck.gl layers of the tilesets and models. */
  layers(): Layer[] {
    const layers: Layer[] = [];
    for (const t of this.tilesets) {
      const st = (this.stats.byTileset[t.id] ??= { loaded: false, tilesLoaded: 0, errors: [] });
      layers.push(new Tile3DLayer({
        id: `tileset-${t.id}`,
        // loaders.gl 4.5 reads only `content` and deck.gl draws neither i3dm nor cmpt: with this flag the
        // server points the tileset at renderable copies made at upload and splits `contents` arrays.
        data: `${t.url}?compat=single-content`,
        loader: Tiles3DLoader,
        pointSize: 2,
        pickable: false,
        visible: !this.shown || this.shown.has(t.id),
        onTilesetLoad: (tileset3d: { selectTiles(viewports: Viewport[]): Promise<number> }) => {
          this.stats.tilesetsLoaded++;
          st.loaded = true;
          // deck.gl 9.4's Tile3DLayer traverses a freshly loaded tileset only with viewports activated
          // since its last viewport change: when the tileset JSON arrives while the map stands still,
          // no tile is requested until the user moves the map. Select tiles for the current view now.
          const vp = this.viewport();
          if (vp) void tileset3d.selectTiles([vp]).then(() => this.onChange());
        },
        onTileLoad: () => {
          this.stats.tilesLoaded++;
          st.tilesLoaded++;
        },
        onTileError: (_tile: unknown, message: string) => {
          this.stats.errors.push(`tileset ${t.id}: ${message}`);
          st.errors.push(message);
        },
      }) as unknown as Layer);
    }
    for (const m of this.models.values()) {
      layers.push(new SimpleMeshLayer({
        id: `bim-model-${m.info.id}`,
        data: [m.info],
        mesh: m.mesh as never,
        coordinateSystem: COORDINATE_SYSTEM.METER_OFFSETS,
        coordinateOrigin: [m.info.lon, m.info.lat, m.info.height],
        getPosition: () => [0, 0, 0],
        getColor: [255, 255, 255, 255],
        pickable: false,
        visible: !this.shownModels || this.shownModels.has(m.info.id),
        updateTriggers: { mesh: m.selectedNode },
      }) as unknown as Layer);
    }
    return layers;
  }

  /** Bounding centre of everything loaded (for flying the map to it). */
  centers(): { tilesets: [number, number][]; models: [number, number][] } {
    return {
      tilesets: this.tilesets.filter((t) => t.center_lon !== null).map((t) => [t.center_lon!, t.center_lat!]),
      models: [...this.models.values()].map((m) => [m.info.lon, m.info.lat]),
    };
  }

  /**
   * Casts the ray under pixel (x, y) through every model; on a hit, selects the element and opens
   * its properties. Returns whether something was hit.
   */
  pick(x: number, y: number): boolean {
    const vp = this.viewport();
    if (!vp) return false;
    let best: { model: LoadedModel; node: number; distance: number } | null = null;
    for (const model of this.models.values()) {
      const ray = rayInModel(vp, x, y, model.info);
      if (!ray) continue;
      const hit = pickNode(model.flat, ray.origin, ray.direction);
      if (hit && (!best || hit.distance * ray.scale < best.distance)) best = { model, node: hit.node, distance: hit.distance * ray.scale };
    }
    if (!best) return false;
    void this.select(best.model, best.node);
    return true;
  }

  private async select(model: LoadedModel, node: number): Promise<void> {
    for (const m of this.models.values()) if (m !== model && m.selectedNode !== null) this.highlight(m, null);
    this.highlight(model, node);
    const nodeInfo = model.flat.nodes.find((n) => n.node === node);
    model.properties ??= requestJson(model.info.propertiesUrl, { signal: new AbortController().signal });
    const expressID = nodeInfo?.extras.expressID;
    this.panel.showLoading(model.info.name);
    try {
      const index = await model.properties;
      const element = index.elements.find((e) => e.node === node) ?? index.elements.find((e) => e.expressID === expressID) ?? null;
      const shown: ElementProperties = element ?? { expressID: Number(expressID ?? node), globalId: null, type: 'GltfNode', name: nodeInfo?.name ?? null, storey: null, propertySets: {} };
      this.stats.lastPick = shown;
      this.panel.show(model.info.name, shown);
    } catch (err) {
      this.stats.errors.push(String(err));
      this.panel.showError(String(err));
    }
  }

  private clearSelection(): void {
    for (const m of this.models.values()) if (m.selectedNode !== null) this.highlight(m, null);
    this.stats.lastPick = null;
  }

  private highlight(model: LoadedModel, node: number | null): void {
    model.selectedNode = node;
    const colors = new Float32Array(model.flat.colors);
    const n = model.flat.nodes.find((x) => x.node === node);
    if (n) {
      for (let t = n.first; t < n.first + n.count; t++) {
        for (let k = 0; k < 3; k++) colors.set(SELECTED_RGB, model.flat.indices[t * 3 + k] * 3);
      }
    }
    model.mesh = meshOf(model.flat, colors);
    this.onChange();
  }

  /** Hides the panel (leaving 3D). */
  hidePanel(): void {
    this.panel.hide();
    this.clearSelection();
  }
}

function meshOf(flat: FlatModel, colors = flat.colors): Record<string, unknown> {
  return {
    attributes: {
      positions: { value: flat.positions, size: 3 },
      normals: { value: flat.normals, size: 3 },
      colors: { value: colors, size: 3 },
    },
    indices: { value: flat.indices, size: 1 },
  };
}

/**
 * The ray under pixel (x, y) in the model's east-north-up metres. Two points on the pixel's ray
 * (depths 0 and 1 in clip space) are unprojected to lon/lat/metres and turned into metre offsets
 * with the viewport's distance scales at the model origin (the same as METER_OFFSETS drawing).
 */
function rayInModel(vp: Viewport, x: number, y: number, m: ModelInfo): { origin: number[]; direction: number[]; scale: number } | null {
  const a = vp.unproject([x, y, 0]);
  const b = vp.unproject([x, y, 1]);
  if (!a || !b || a.some((v) => !Number.isFinite(v)) || b.some((v) => !Number.isFinite(v))) return null;
  const scales = (vp as unknown as { getDistanceScales(c?: number[]): { unitsPerMeter: number[]; unitsPerDegree: number[] } }).getDistanceScales([m.lon, m.lat]);
  const toLocal = (p: number[]) => [
    ((p[0] - m.lon) * scales.unitsPerDegree[0]) / scales.unitsPerMeter[0],
    ((p[1] - m.lat) * scales.unitsPerDegree[1]) / scales.unitsPerMeter[1],
    (p[2] ?? 0) - m.height,
  ];
  const o = toLocal(a);
  const f = toLocal(b);
  const d = [f[0] - o[0], f[1] - o[1], f[2] - o[2]];
  const len = Math.hypot(d[0], d[1], d[2]);
  if (!(len > 0)) return null;
  return { origin: o, direction: d.map((v) => v / len), scale: 1 };
}
