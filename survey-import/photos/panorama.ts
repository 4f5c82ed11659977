/**
 * Recognises 360° equirectangular panoramas and their heading.
 *
 * A photo is a panorama when
 *   1. its XMP says `GPano:ProjectionType = equirectangular` (Google Photo Sphere, Insta360,
 *      DJI sphere mode, Ricoh Theta all write it), or
 *   2. it has no GPano projection at all, is 2:1 (±1 %) and at least 2000 px wide — stitched
 *      panoramas exported by tools that drop XMP.
 * An explicit other projection (`cylindrical`, `cubemap`…) is not a 360° panorama.
 *
 * Heading (compass direction of the image centre column): GPano `PoseHeadingDegrees`, else
 * gimbal yaw, else flight yaw, else GPSImgDirection — normalised to 0..360.
 */
import { normalizeDegrees, type PhotoMeta } from './exif.ts';

/** Minimum width for the aspect-ratio rule. */
export const MIN_PANORAMA_WIDTH = 2000;
/** Allowed relative deviation from 2:1 for the aspect-ratio rule. */
export const ASPECT_TOLERANCE = 0.01;

/** Result of {@link detectPanorama}. */
export interface PanoramaInfo {
  isPanorama: boolean;
  /** Why, e.g. `XMP GPano:ProjectionType=equirectangular` or `2:1 aspect (4096×2048)`. */
  reason: string;
  /** Centre-column compass heading 0..360, or null when unknown. */
  heading: number | null;
  headingSource: 'gpano-pose-heading' | 'gimbal-yaw' | 'flight-yaw' | 'gps-img-direction' | null;
}

/** Decides whether a photo is a 360° panorama and which way its centre faces. */
export function detectPanorama(meta: Pick<PhotoMeta, 'width' | 'height' | 'gpano' | 'heading' | 'headingSource'>): PanoramaInfo {
  const { heading, headingSource } = panoramaHeading(meta);
  const projection = meta.gpano?.projectionType ?? null;
  if (projection === 'equirectangular') {
    return { isPanorama: true, reason: 'XMP GPano:ProjectionType=equirectangular', heading, headingSource };
  }
  if (projection !== null) {
    return { isPanorama: false, reason: `XMP GPano:ProjectionType=${projection} is not equirectangular`, heading, headingSource };
  }
  const { width: w, height: h } = meta;
  if (w && h && w >= MIN_PANORAMA_WIDTH && Math.abs(w / h / 2 - 1) <= ASPECT_TOLERANCE) {
    return { isPanorama: true, reason: `2:1 aspect (${w}×${h}) without GPano XMP`, heading, headingSource };
  }
  return { isPanorama: false, reason: w && h ? `not 2:1 with width ≥ ${MIN_PANORAMA_WIDTH} (${w}×${h}) and no GPano XMP` : 'image size unknown and no GPano XMP', heading, headingSource };
}

function panoramaHeading(meta: Pick<PhotoMeta, 'gpano' | 'heading' | 'headingSource'>): Pick<PanoramaInfo, 'heading' | 'headingSource'> {
  const pose = meta.gpano?.poseHeadingDegrees ?? null;
  if (pose !== null) return { heading: normalizeDegrees(pose), headingSource: 'gpano-pose-heading' };
  return { heading: meta.heading, headingSource: meta.headingSource };
}

/** Options of {@link gpanoXmp}. */
export interface GPanoXmpOptions {
  width: number;
  height: number;
  /** Compass heading of the image centre, degrees. */
  headingDeg?: number;
  /** Software name recorded in GPano:StitchingSoftware. */
  software?: string;
}

/** An XMP packet marking a full 360×180 equirectangular image (for sharp `withXmp`). */
export function gpanoXmp(o: GPanoXmpOptions): string {
  const int = (n: number) => String(Math.round(n));
  const attrs: Record<string, string> = {
    'GPano:ProjectionType': 'equirectangular',
    'GPano:UsePanoramaViewer': 'True',
    'GPano:FullPanoWidthPixels': int(o.width),
    'GPano:FullPanoHeightPixels': int(o.height),
    'GPano:CroppedAreaImageWidthPixels': int(o.width),
    'GPano:CroppedAreaImageHeightPixels': int(o.height),
    'GPano:CroppedAreaLeftPixels': '0',
    'GPano:CroppedAreaTopPixels': '0',
  };
  if (o.headingDeg !== undefined) attrs['GPano:PoseHeadingDegrees'] = normalizeDegrees(o.headingDeg).toFixed(1);
  if (o.software) attrs['GPano:StitchingSoftware'] = o.software;
  const xmlAttr = Object.entries(attrs)
    .map(([k, v]) => `\n    ${k}="${v.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;')}"`)
    .join('');
  return (
    `<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>\n` +
    `<x:xmpmeta xmlns:x="adobe:ns:meta/">\n <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n` +
    `  <rdf:Description rdf:about="" xmlns:GPano="http://ns.google.com/photos/1.0/panorama/"${xmlAttr}/>\n` +
    ` </rdf:RDF>\n</x:xmpmeta>\n<?xpacket end="w"?>`
  );
}
