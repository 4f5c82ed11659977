/**
 * `npm run backup -- <file.tar.gz>`: a consistent snapshot of the database (every table and
 * sequence of DB_SCHEMA) and the asset store (DATA_DIR/assets), taken while the server runs, on
 * either engine (see core/db/backup.ts). Reads the same configuration as the server.
 */
import { loadConfig } from '../core/config.ts';
import { backup, openTarget } from '../core/db/backup.ts';

const file = process.argv[2];
if (!file || process.argv.length > 3) {
  console.error('usage: npm run backup -- <file.tar.gz>');
  process.exit(2);
}
process.umask(0o077); // the archive holds password hashes and every upload: readable by this user only
const config = loadConfig();
const t0 = performance.now();
try {
  const open = await openTarget(config);
  try {
    const m = await backup(open.target, file);
    const rows = m.tables.reduce((n, t) => n + t.rows, 0);
    console.log(`backup written to ${file}: schema ${m.schema}, ${m.tables.length} tables, ${rows} rows, ` +
      `${m.sequences.length} sequences, ${m.assets} asset files, migrations ${m.migrations.join(',')} ` +
      `(via ${open.via}, ${Math.round(performance.now() - t0)} ms)`);
  } finally {
    await open.close();
  }
} catch (err) {
  console.error(`backup failed: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
}
