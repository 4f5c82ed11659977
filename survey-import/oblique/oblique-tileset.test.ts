import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lodGeometricError, parseMetadataXml, parseSrs } from './oblique-tileset.ts';
import { readOsgt } from './osgt.ts';

describe('metadata.xml', () => {
  it('reads <SRS> and <SRSOrigin>, with XML entities', () => {
    expect(parseMetadataXml('<ModelMetadata version="1"><SRS>EPSG:4545</SRS><SRSOrigin>443800,3455800,300</SRSOrigin></ModelMetadata>'))
      .toEqual({ srs: 'EPSG:4545', origin: '443800,3455800,300' });
    expect(parseMetadataXml('<SRS>ENU:31.2,107.5</SRS>')).toEqual({ srs: 'ENU:31.2,107.5', origin: null });
  });

  it('understands EPSG codes (with a vertical part), ENU:lat,lon and WKT ending in an EPSG authority', () => {
    expect(parseSrs('EPSG:4545')).toEqual({ kind: 'epsg', code: 4545 });
    expect(parseSrs('epsg:4524+5773')).toEqual({ kind: 'epsg', code: 4524 });
    expect(parseSrs('ENU:31.21,107.41')).toEqual({ kind: 'enu', lat: 31.21, lon: 107.41 });
    expect(parseSrs('PROJCS["CGCS2000 / 3-degree Gauss-Kruger CM 108E",GEOGCS["China Geodetic Coordinate System 2000",AUTHORITY["EPSG","4490"]],AUTHORITY["EPSG","4545"]]'))
      .toEqual({ kind: 'epsg', code: 4545 });
    expect(parseSrs('ENU:131.2,107.5')).toBeNull();
    expect(parseSrs('LOCAL_CS["anything"]')).toBeNull();
    expect(parseSrs('Beijing 1954')).toBeNull();
  });
});

describe('PagedLOD ranges → geometric errors', () => {
  const box = { min: [0, 0, 0] as [number, number, number], max: [60, 60, 30] as [number, number, number] };
  const lod = (over: object) => ({ center: null, radius: 40, rangeMode: 'PIXEL_SIZE_ON_SCREEN' as const, meshes: [], nested: [], files: [{ file: 'a.osgb', min: 80, max: 1e30 }], ...over });

  it('pixel size on screen: the tile refines where OSG would show the finer file (16 · 2r / T)', () => {
    expect(lodGeometricError(lod({}), box, Infinity)).toBeCloseTo(16, 9);
    expect(lodGeometricError(lod({ radius: 36.6513, files: [{ file: 'x', min: 36.6513, max: 1e30 }] }), box, Infinity)).toBeCloseTo(32, 9);
  });

  it('leaves have 0, children never exceed their parent, distances use a 1080 px / 60° view', () => {
    expect(lodGeometricError(lod({ files: [] }), box, 10)).toBe(0);
    expect(lodGeometricError(lod({}), box, 5)).toBe(5);
    const d = lodGeometricError(lod({ rangeMode: 'DISTANCE_FROM_EYE_POINT', files: [{ file: 'x', min: 0, max: 500 }] }), box, Infinity);
    expect(d).toBeCloseTo((16 * 500 * 2 * Math.tan(Math.PI / 6)) / 1080, 9);
  });
});

describe('osgt reader', () => {
  it('reads a PagedLOD with its ranges, files and a multi-line inline image closed on the same line', () => {
    const px = Buffer.alloc(2 * 2 * 3, 200).toString('base64');
    const text = ['#Ascii Scene ', '#Version 161 ', 'osg::PagedLOD {', 'UniqueID 1', 'CenterMode USER_DEFINED_CENTER', 'UserCenter 1 2 3 4.5',
      'RangeMode PIXEL_SIZE_ON_SCREEN', 'RangeList 2 {', '0 9', '9 1e+30', '}', 'RangeDataList 2 {', '""', '"Tile_L2.osgb"', '}',
      'Children 1 {', 'osg::Geode {', 'Drawables 1 {', 'osg::Geometry {', 'StateSet TRUE {', 'osg::StateSet {', 'TextureAttributeList 1 {', 'Data 1 {',
      'osg::Texture2D {', 'Image TRUE {', 'ClassName osg::Image', 'UniqueID 7', 'FileName "a b.jpg"', 'Size 2 2 1', 'PixelFormat 6407', 'DataType 5121',
      'Data 1 {', `"${px.slice(0, 8)}`, `${px.slice(8)}" }`, '}', '}', '}', '}', '}', '}',
      'PrimitiveSetList 1 {', 'osg::DrawArrays {', 'Mode TRIANGLE_STRIP', 'First 0', 'Count 4', '}', '}',
      'VertexArray TRUE {', 'osg::Vec3Array {', 'vector 4 {', '0 0 0', '1 0 0', '0 1 0', '1 1 0', '}', '}', '}',
      'TexCoordArrayList 1 {', 'osg::Vec2Array {', 'vector 4 {', '0 0', '1 0', '0 1', '1 1', '}', '}', '}',
      '}', '}', '}', '}', '}'].join('\n');
    const scene = readOsgt(text);
    expect(scene.lods).toHaveLength(1);
    const l = scene.lods[0];
    expect([l.center, l.radius, l.files]).toEqual([[1, 2, 3], 4.5, [{ file: 'Tile_L2.osgb', min: 9, max: 1e30 }]]);
    expect(Array.from(l.meshes[0].indices)).toEqual([0, 1, 2, 2, 1, 3]);
    expect(l.meshes[0].texture).toMatchObject({ name: 'a b.jpg', width: 2, height: 2, pixelFormat: 6407 });
    expect(Buffer.from(l.meshes[0].texture!.data, 'base64')).toHaveLength(12);
  });

  it('names the line of a broken scene', () => {
    expect(() => readOsgt('#Ascii Scene\nosg::Group {\nChildren 1 {\n')).toThrow(/block opened on line 3/);
    expect(() => readOsgt('hello')).toThrow(/not an OpenSceneGraph ASCII scene/);
  });
});

describe('without osgconv', () => {
  it('an upload is refused naming the tool and its Debian package', () => {
    const script = `import('${path.resolve('survey-import/oblique/oblique-tileset.ts')}').then(async (m) => {
      try { await m.convertObliqueExport('x.zip', new Map(), { crsInfo: async () => null, projectToLonLat: async () => [] }, 'en'); }
      catch (e) { console.log(JSON.stringify({ status: e.status, message: e.message })); }
    })`;
    const out = execFileSync(process.execPath, [path.resolve('node_modules/tsx/dist/cli.mjs'), '-e', script], { env: { ...process.env, PATH: '/nonexistent' }, encoding: 'utf8' });
    const r = JSON.parse(out.trim().split('\n').pop()!);
    expect(r.status).toBe(415);
    expect(r.message).toMatch(/^osgconv \(Debian package openscenegraph\) is not installed on the server/);
  });
});
