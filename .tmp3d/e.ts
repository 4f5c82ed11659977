import fs from 'node:fs';
import { readGlbJson } from '../tiles/3dtiles/glb-writer.ts';
for (const f of ['IfcOpenHouse_IFC4.ifc','example_revit_IFC2X3.ifc','AC20-FZK-Haus_IFC4.ifc']) {
  const j: any = readGlbJson(fs.readFileSync('.tmp3d/'+f+'.glb'));
  const mn=[1e9,1e9,1e9], mx=[-1e9,-1e9,-1e9];
  for (const a of j.accessors) if (a.type==='VEC3' && a.min) for (let k=0;k<3;k++){mn[k]=Math.min(mn[k],a.min[k]);mx[k]=Math.max(mx[k],a.max[k]);}
  console.log(f, mn.map(v=>v.toFixed(1)), mx.map(v=>v.toFixed(1)), j.nodes.length, j.materials.length);
}
