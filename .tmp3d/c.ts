import fs from 'node:fs';
import { packageModel } from '../survey-import/bim/model-package.ts';
for (const f of ['IfcOpenHouse_IFC4.ifc','example_revit_IFC2X3.ifc','AC20-FZK-Haus_IFC4.ifc']) {
  const t0 = Date.now();
  const p = await packageModel(f, fs.readFileSync('/work/shared/fixtures/bim/'+f));
  console.log(f, Date.now()-t0, 'ms glb', p.glb.length, p.schema, p.site, p.index.project, p.index.storeys.length, JSON.stringify(p.index.counts), p.warnings);
  const door = p.index.elements.find(e => e.type === 'IfcDoor' || e.type==='IfcWallStandardCase');
  console.log(JSON.stringify(door).slice(0, 600));
  fs.writeFileSync('.tmp3d/'+f+'.glb', p.glb);
}
