/**
 * The query of `GET /api/layers/{id}/export`, validated at the route: the format, a selection of
 * ids, and the same selecting parameters as OGC API `/items` (bbox, CQL2-text filter,
 * `attribute=value`); the service takes the typed `ExportQuery`.
 */
import { s } from '../http/schema.ts';
import { SELECTION_FIELDS, type SelectionQuery } from '../ogc/ogc.input.ts';

/** Export formats: file extension and media type. */
export const EXPORT_FORMATS = {
  geojson: { ext: 'geojson', type: 'application/geo+json' },
  csv: { ext: 'csv', type: 'text/csv; charset=utf-8' },
  kml: { ext: 'kml', type: 'application/vnd.google-earth.kml+xml' },
  shapefile: { ext: 'zip', type: 'application/zip' },
} as const;

export type ExportFormat = keyof typeof EXPORT_FORMATS;

const FORMATS = Object.keys(EXPORT_FORMATS) as ExportFormat[];

/** The route's query schema; parameters it does not declare are attribute filters. */
export const EXPORT_QUERY = s.object({
  format: s.enum(FORMATS, { default: 'geojson' as ExportFormat, description: FORMATS.join(' | ') }),
  ids: s.string({ description: 'comma-separated feature ids (a selection)' }),
  ...SELECTION_FIELDS,
}, { additionalProperties: s.string({ description: 'attribute = value (an attribute of the layer)' }) });

/** Names of the declared parameters (listed when an attribute filter names no attribute). */
export const EXPORT_PARAMS = Object.keys(EXPORT_QUERY.properties as object);

/** A validated export request. */
export interface ExportQuery {
  format: ExportFormat;
  /** `ids=1,2,3` as given (parsed by the service, which knows the limit). */
  ids?: string;
  selection: SelectionQuery;
}
