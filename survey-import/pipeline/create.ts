/** Wires the import pipeline for the server and the CLI (same code, same database). */
import type pg from 'pg';
import { LocalAssetStore } from '../../assets/storage.ts';
import { readFileChunks } from '../readers/index.ts';
import { ImportRepository } from './import.repository.ts';
import { ImportService } from './import.service.ts';
import { PhotoIngest } from './photo-ingest.ts';

/** An import service on `pool`, storing originals under `<dataDir>/assets`. */
export function createImportService(pool: pg.Pool, dataDir: string, onChange?: () => Promise<unknown>): ImportService {
  const store = new LocalAssetStore(dataDir);
  return new ImportService(new ImportRepository(pool), store, readFileChunks, new PhotoIngest(pool, store), onChange);
}
