// Bootstrap of the OSGB conversion worker (oblique-worker.ts): loads the TypeScript sources through
// tsx whether or not the parent process itself runs under tsx (the server does; vitest does not).
import { tsImport } from 'tsx/esm/api';

await tsImport('./oblique-worker.ts', import.meta.url);
