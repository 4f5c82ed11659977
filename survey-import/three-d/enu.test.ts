import { describe, expect, it } from 'vitest';
import { eastNorthUpToFixedFrame, ecefToGeodetic, geodeticToEcef, placementTransform, transformPoint } from './enu.ts';

describe('ENU frame', () => {
  it('round-trips geodetic ⇄ ECEF', () => {
    const [x, y, z] = geodeticToEcef(107.4682, 31.2096, 310);
    const [lon, lat, h] = ecefToGeodetic(x, y, z);
    expect(lon).toBeCloseTo(107.4682, 9);
    expect(lat).toBeCloseTo(31.2096, 9);
    expect(h).toBeCloseTo(310, 3);
  });

  it('matches the ECEF of the Cesium samples (RTC_CENTER near Exton, PA)', () => {
    const [lon, lat] = ecefToGeodetic(1215012.8988, -4736313.0423, 4081604.3369);
    expect(lon).toBeCloseTo(-75.6121, 3);
    expect(lat).toBeCloseTo(40.0425, 3);
  });

  it('maps local east/north/up to the right directions', () => {
    const m = eastNorthUpToFixedFrame(0, 0, 0);
    expect(transformPoint(m, 0, 0, 0)).toEqual([6378137, 0, 0]);
    const east = transformPoint(m, 1, 0, 0);
    expect(east[1]).toBeCloseTo(1, 9); // east at lon 0 is +y
    const north = transformPoint(m, 0, 1, 0);
    expect(north[2]).toBeCloseTo(1, 9); // north at the equator is +z
  });

  it('turns the model clockwise by heading', () => {
    const m = placementTransform({ lon: 0, lat: 0, height: 0, heading: 90 });
    const p = transformPoint(m, 0, 10, 0); // the model's north…
    expect(p[1]).toBeCloseTo(10, 6); // …points east
    expect(p[2]).toBeCloseTo(0, 6);
  });
});
