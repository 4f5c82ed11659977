import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compoundAngleToDegrees, ifcSchemaOf, ifcSiteReference, splitStepArgs } from './ifc-georef.ts';
import { fixture, hasFixtures } from '../../test/fixtures.ts';

describe('IfcSite georeference', () => {
  it('converts compound angles, sign on every part', () => {
    expect(compoundAngleToDegrees([42, 12, 46, 804504])).toBeCloseTo(42.213001, 6);
    expect(compoundAngleToDegrees([-71, -1, -58, -789672])).toBeCloseTo(-71.032997, 6);
  });

  it('splits STEP arguments with strings and lists', () => {
    expect(splitStepArgs("'a,b',$,(1,2,3),'it''s'")).toEqual(["'a,b'", '$', '(1,2,3)', "'it''s'"]);
  });

  it('reads RefLatitude/RefLongitude from a minimal site line and drops 0,0', () => {
    const ifc = "#1=IFCSITE('x',$,'S',$,$,$,$,$,.ELEMENT.,(31,12,34,560000),(107,28,5,0),300.,$,$);";
    const r = ifcSiteReference(ifc)!;
    expect(r.lat).toBeCloseTo(31.209600, 5);
    expect(r.lon).toBeCloseTo(107.468056, 5);
    expect(r.elevation).toBe(300);
    expect(ifcSiteReference("#1=IFCSITE('x',$,$,$,$,$,$,$,.ELEMENT.,(0,0,0),(0,0,0),$,$,$);")).toBeNull();
  });

  it.skipIf(!hasFixtures())('matches EXPECTED.md for the fixture files', () => {
    const read = (f: string) => fs.readFileSync(fixture(`bim/${f}`));
    const revit = ifcSiteReference(read('example_revit_IFC2X3.ifc'))!;
    expect(revit.lat).toBeCloseTo(42.213001, 6);
    expect(revit.lon).toBeCloseTo(-71.032997, 6);
    const fzk = ifcSiteReference(read('AC20-FZK-Haus_IFC4.ifc'))!;
    expect(fzk.lat).toBeCloseTo(49.100435, 6);
    expect(fzk.lon).toBeCloseTo(8.436539, 6);
    expect(fzk.elevation).toBe(110);
    expect(ifcSiteReference(read('IfcOpenHouse_IFC4.ifc'))).toBeNull();
    expect(ifcSchemaOf(read('example_revit_IFC2X3.ifc'))).toBe('IFC2X3');
    expect(ifcSchemaOf(read('AC20-FZK-Haus_IFC4.ifc'))).toBe('IFC4');
  });
});
