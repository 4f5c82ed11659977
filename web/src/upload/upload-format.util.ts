/**
 * Display helpers of the upload page: byte sizes, times, batch status and layer labels, issue
 * values. Areas reuse the map's m² · 亩 · 公顷 formatter so both pages print them alike.
 */
import { formatNumber, getLang, t, type StringKey } from '../shared/i18n.service.ts';
import type { BatchStatus, ImportLayer } from './imports.service.ts';

export { formatArea } from '../map/feature-format.util.ts';

/** "1.2 MB", "530 KB", "12 B". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${formatNumber(bytes / 1024, 1)} KB`;
  if (bytes < 1024 ** 3) return `${formatNumber(bytes / 1024 / 1024, 1)} MB`;
  return `${formatNumber(bytes / 1024 ** 3, 2)} GB`;
}

/** A timestamp from the API in local time ("2025/3/4 14:05"); '' for null. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return d.toLocaleString(getLang() === 'zh' ? 'zh-CN' : 'en-GB', { dateStyle: 'short', timeStyle: 'short' });
}

const LAYER_LABELS: Record<ImportLayer, StringKey> = {
  land: 'uploadLayerLand', factories: 'uploadLayerFactories', offices: 'uploadLayerOffices',
  amenities: 'uploadLayerAmenities', photos: 'uploadLayerPhotos', panoramas: 'uploadLayerPanoramas', tracks: 'uploadLayerTracks',
};

/** Label of an import target layer. */
export function layerLabel(layer: string): string {
  const key = LAYER_LABELS[layer as ImportLayer];
  return key ? t(key) : layer;
}

const STATUS_LABELS: Record<BatchStatus, StringKey> = {
  uploaded: 'uploadStatusUploaded', parsed: 'uploadStatusParsed', validated: 'uploadStatusValidated',
  committed: 'uploadStatusCommitted', failed: 'uploadStatusFailed', undone: 'uploadStatusUndone',
};

/** Label of a batch status. */
export function statusLabel(status: string): string {
  const key = STATUS_LABELS[status as BatchStatus];
  return key ? t(key) : status;
}

const ITEM_STATUS_LABELS: Record<string, StringKey> = { valid: 'itemValid', warning: 'itemWarning', rejected: 'itemRejected' };

/** Label of an item status (valid / warning / rejected). */
export function itemStatusLabel(status: string): string {
  const key = ITEM_STATUS_LABELS[status];
  return key ? t(key) : status;
}

/** An issue's bad value as text: strings as they are, everything else as JSON; '' when absent. */
export function formatValue(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
