/** Wires the import pipeline for the server and the CLI (same code, same database). */
import type pg from 'pg';
import { LocalAssetStore } from '../../assets/storage.ts';
import { readFileChunks } from '../readers/index.ts';
import { ImportRepository, type ServiceArea } from './import.repository.ts';
import { ImportService, type FileReader } from './import.service.ts';
import { isolatedReader, type IsolationOptions } from './isolated-reader.ts';
import { PhotoIngest } from './photo-ingest.ts';

/** How an import service reads files: `isolated` (default) or, for files the server wrote itself, `inProcess`. */
export interface ReadingOptions extends IsolationOptions {
  /**
   * Read in this process instead of a child process with a heap limit. Only for files the server
   * generated itself (the demo's survey files): the child process is there to contain hostile or
   * oversized uploads, and starting it costs 2–3 s of CPU.
   */
  inProcess?: boolean;
}

/** Reads files in this process, in the same parts as the isolated reader (readers/index.ts). */
function inProcessReader(chunkItems = 5000): FileReader {
  return (files, opts) => readFileChunks(files, opts, chunkItems);
}

/**
 * An import service on `pool`, storing originals under `<dataDir>/assets`; files are read in a
 * child process with a heap limit (`reading`: IMPORT_MEMORY_MB, IMPORT_CONCURRENCY); items beyond the
 * service area (counties + SERVICE_AREA_BUFFER_KM) are rejected or flagged while staging.
 */
export function createImportService(
  pool: pg.Pool, dataDir: string, onChange?: () => Promise<unknown>, reading: ReadingOptions = {}, serviceArea: ServiceArea = { bufferKm: 10 },
): ImportService {
  const store = new LocalAssetStore(dataDir);
  const reader = reading.inProcess ? inProcessReader(reading.chunkItems) : isolatedReader(reading);
  return new ImportService(new ImportRepository(pool, serviceArea), store, reader, new PhotoIngest(pool, store), onChange);
}
