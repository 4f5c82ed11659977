import fs from 'node:fs';
import { ifcSiteReference, ifcSchemaOf } from '../survey-import/bim/ifc-georef.ts';
for (const f of ['example_revit_IFC2X3.ifc','AC20-FZK-Haus_IFC4.ifc','IfcOpenHouse_IFC4.ifc']) { const b = fs.readFileSync('/work/shared/fixtures/bim/'+f); console.log(f, ifcSchemaOf(b), ifcSiteReference(b)); }
