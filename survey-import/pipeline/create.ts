/** Wires the import pipeline for the server and the CLI (same code, same database). */
import type pg from 'pg';
import { LocalAssetStore } from '../../assets/storage.ts';
import { ImportRepository, type ServiceArea } from './import.repository.ts';
import { ImportService } from './import.service.ts';
import { isolatedReader, type IsolationOptions } from './isolated-reader.ts';
import { PhotoIngest } from './photo-ingest.ts';

/**
 * An import service on `pool`, storing originals under `<dataDir>/assets`; files are read in a
 * child process with a heap limit (`reading`: IMPORT_MEMORY_MB, IMPORT_CONCURRENCY); items beyond the
 * service area (counties + SERVICE_AREA_BUFFER_KM) are rejected or flagged while staging.
 */
export function createImportService(
  pool: pg.Pool, dataDir: string, onChange?: () => Promise<unknown>, reading: IsolationOptions = {}, serviceArea: ServiceArea = { bufferKm: 10 },
): ImportService {
  const store = new LocalAssetStore(dataDir);
  return new ImportService(new ImportRepository(pool, serviceArea), store, isolatedReader(reading), new PhotoIngest(pool, store), onChange);
}
