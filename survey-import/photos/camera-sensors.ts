/**
 * Physical sensor sizes of common drone and survey cameras, looked up by EXIF Model.
 * Used by footprint.ts to get the field of view from the focal length.
 *
 * Sizes are the sensor's long × short side in mm. Thermal cores are given by pixel pitch and
 * native resolution (640×512 at 17 µm = 10.88 × 8.704 mm) because the same Model string covers
 * several cores. Sources: manufacturer spec sheets (DJI, FLIR, Canon).
 */

/** A sensor size and where it came from. */
export interface SensorSize {
  /** Long side, mm. */
  widthMm: number;
  /** Short side, mm. */
  heightMm: number;
  /** Human-readable source, e.g. "table: DJI FC6310 (Phantom 4 Pro) 1\"". */
  source: string;
}

interface Entry {
  /** Matches EXIF Model (trimmed, case-insensitive). */
  model: RegExp;
  /** Only when the stored image's long side is at most this (thermal vs visual on one model). */
  maxImageLongSide?: number;
  widthMm: number;
  heightMm: number;
  name: string;
}

/** Thermal core size from native resolution and pixel pitch (µm). */
const core = (w: number, h: number, pitchUm: number) => ({ widthMm: (w * pitchUm) / 1000, heightMm: (h * pitchUm) / 1000 });
const ONE_INCH = { widthMm: 13.2, heightMm: 8.8 };
const ONE_OVER_2_3 = { widthMm: 6.17, heightMm: 4.55 };
const ONE_OVER_2 = { widthMm: 6.4, heightMm: 4.8 };

/** First match wins, so thermal (size-limited) entries come before visual ones of the same model. */
const TABLE: Entry[] = [
  { model: /^FC6310[RS]?$/i, ...ONE_INCH, name: 'DJI FC6310 (Phantom 4 Pro / Pro V2 / 4 RTK) 1"' },
  { model: /^L1D-20c$/i, ...ONE_INCH, name: 'Hasselblad L1D-20c (Mavic 2 Pro) 1"' },
  { model: /^FC3411$/i, ...ONE_INCH, name: 'DJI FC3411 (Air 2S) 1"' },
  { model: /^FC220$/i, ...ONE_OVER_2_3, name: 'DJI FC220 (Mavic Pro) 1/2.3"' },
  { model: /^FC330$/i, ...ONE_OVER_2_3, name: 'DJI FC330 (Phantom 4) 1/2.3"' },
  { model: /^FC300[SX]$/i, ...ONE_OVER_2_3, name: 'DJI FC300 (Phantom 3) 1/2.3"' },
  { model: /^FC2204$/i, ...ONE_OVER_2_3, name: 'DJI FC2204 (Mavic 2 Zoom) 1/2.3"' },
  { model: /^FC7303$/i, ...ONE_OVER_2_3, name: 'DJI FC7303 (Mini 2) 1/2.3"' },
  { model: /^FC3170$/i, ...ONE_OVER_2, name: 'DJI FC3170 (Mavic Air 2) 1/2"' },
  { model: /^FC6520$/i, widthMm: 17.3, heightMm: 13.0, name: 'DJI Zenmuse X5S (FC6520) 4/3"' },
  { model: /^FC6540$/i, widthMm: 23.5, heightMm: 15.7, name: 'DJI Zenmuse X7 (FC6540) APS-C' },
  // Zenmuse XT / XT2 thermal: the 336×256 core is 5.7 mm wide, the 640×512 core 10.88 mm (17 µm).
  { model: /^(FLIR|XT2|XT)$/i, maxImageLongSide: 336, ...core(336, 256, 17), name: 'FLIR Tau 2 336×256 17 µm (Zenmuse XT/XT2)' },
  { model: /^(FLIR|XT2|XT)$/i, maxImageLongSide: 640, ...core(640, 512, 17), name: 'FLIR Tau 2 640×512 17 µm (Zenmuse XT/XT2)' },
  // H20T and Mavic 2 Enterprise Advanced thermal: 640×512 at 12 µm. Their visual cameras fall
  // through to the 35 mm-equivalent rule (H20T has both a wide and a zoom camera).
  { model: /^ZH20T$/i, maxImageLongSide: 640, ...core(640, 512, 12), name: 'DJI Zenmuse H20T thermal 640×512 12 µm' },
  { model: /^MAVIC2-ENTERPRISE-ADVANCED$/i, maxImageLongSide: 640, ...core(640, 512, 12), name: 'DJI Mavic 2 Enterprise Advanced thermal 640×512 12 µm' },
  { model: /^MAVIC2-ENTERPRISE-ADVANCED$/i, ...ONE_OVER_2, name: 'DJI Mavic 2 Enterprise Advanced visual 1/2"' },
  { model: /^(MAVIC2-ENTERPRISE|FC2403)$/i, ...ONE_OVER_2_3, name: 'DJI Mavic 2 Enterprise visual 1/2.3"' },
  { model: /^Canon PowerShot S110$/i, widthMm: 7.44, heightMm: 5.58, name: 'Canon PowerShot S110 1/1.7" (senseFly eBee)' },
];

/**
 * Sensor size for an EXIF Model, or null when the model is not in the table.
 * `imageLongSide` (stored pixels) separates the thermal and visual cameras of one model.
 */
export function lookupSensor(model: string | null, imageLongSide: number | null): SensorSize | null {
  if (!model) return null;
  const m = model.trim();
  for (const e of TABLE) {
    if (!e.model.test(m)) continue;
    if (e.maxImageLongSide !== undefined && (imageLongSide === null || imageLongSide > e.maxImageLongSide)) continue;
    return { widthMm: e.widthMm, heightMm: e.heightMm, source: `table: ${e.name}` };
  }
  return null;
}
