// Bootstrap of the pyramid worker (pyramid-worker.ts): loads the TypeScript sources through tsx
// whether or not the parent process itself runs under tsx (the server does; vitest does not).
import { tsImport } from 'tsx/esm/api';

await tsImport('./pyramid-worker.ts', import.meta.url);
