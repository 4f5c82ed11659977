/**
 * `npm run restore -- <file.tar.gz>`: put the database (DB_SCHEMA) and the asset store
 * (DATA_DIR/assets) back to the state of a backup made by `npm run backup`, replacing what is
 * there (see core/db/backup.ts). Works while the server runs (the embedded database through its
 * socket); tiles cached by running servers are purged when they next read the change log.
 */
import { loadConfig } from '../core/config.ts';
import { openTarget, restore } from '../core/db/backup.ts';

const file = process.argv[2];
if (!file || process.argv.length > 3) {
  console.error('usage: npm run restore -- <file.tar.gz>');
  process.exit(2);
}
process.umask(0o077);
const config = loadConfig();
const t0 = performance.now();
try {
  const open = await openTarget(config);
  try {
    const m = await restore(open.target, file);
    const rows = m.tables.reduce((n, t) => n + t.rows, 0);
    console.log(`restored ${file} (made ${m.createdAt}) into schema ${config.dbSchema}: ${m.tables.length} tables, ${rows} rows, ` +
      `${m.assets} asset files (via ${open.via}, ${Math.round(performance.now() - t0)} ms)`);
  } finally {
    await open.close();
  }
} catch (err) {
  console.error(`restore failed: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
}
