/**
 * The OGC API – Features `datetime` parameter: an RFC 3339 instant (`2025-05-01T10:00:00Z`), a
 * date (`2025-05-01`, the whole day in UTC) or an interval of either (`start/end`, with `..` or an
 * empty side for an open end). Features match when their time (the layer's `temporal` column)
 * lies in it; features without a time never match a `datetime` filter. Anything else is a 400
 * naming the value (OGC API – Features Part 1, /req/core/query-param-invalid).
 */
import pg from 'pg';
import type { TemporalDefinition } from '../../layers/definition.ts';
import { BadParameterError } from '../../core/errors.ts';
import type { SqlParams } from '../../layers/query/feature-query.ts';

/** A time interval: ISO instants, `from` inclusive, `to` inclusive or (after a date) exclusive; null = open. */
export interface TimeInterval {
  from: string | null;
  to: string | null;
  toExclusive: boolean;
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether year-month-day exist in the calendar (Date.parse accepts 2025-02-30). */
function realDay(y: string, m: string, d: string): boolean {
  const t = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  return t.getUTCFullYear() === Number(y) && t.getUTCMonth() === Number(m) - 1 && t.getUTCDate() === Number(d);
}

type Bound = { at: string; day: boolean } | null;

function bound(raw: string, whole: string): Bound {
  if (raw === '..' || raw === '') return null;
  const dt = DATE_TIME.exec(raw);
  if (dt && realDay(dt[1], dt[2], dt[3]) && Number(dt[4]) < 24 && Number(dt[5]) < 60 && Number(dt[6]) < 61) {
    return { at: new Date(raw.toUpperCase()).toISOString(), day: false };
  }
  const d = DATE.exec(raw);
  if (d && realDay(d[1], d[2], d[3])) return { at: `${raw}T00:00:00.000Z`, day: true };
  throw new BadParameterError('datetime', whole,
    `has "${raw}", which is not an RFC 3339 date-time (2025-05-01T10:00:00Z) or date (2025-05-01); intervals are start/end with ".." for an open end`);
}

const nextDay = (iso: string) => new Date(Date.parse(iso) + 86_400_000).toISOString();

/** Parse `datetime`; throws a 400 naming the value. */
export function parseDatetime(raw: string): TimeInterval {
  const parts = raw.split('/');
  if (parts.length > 2) throw new BadParameterError('datetime', raw, 'must be an instant or one interval start/end');
  if (parts.length === 1) {
    const b = bound(raw, raw);
    if (!b) throw new BadParameterError('datetime', raw, 'must be an instant or an interval (start/end)');
    return b.day ? { from: b.at, to: nextDay(b.at), toExclusive: true } : { from: b.at, to: b.at, toExclusive: false };
  }
  const [a, b] = [bound(parts[0], raw), bound(parts[1], raw)];
  if (!a && !b) throw new BadParameterError('datetime', raw, 'must bound the interval on at least one side');
  const to = b ? (b.day ? nextDay(b.at) : b.at) : null;
  if (a && b && Date.parse(a.at) > Date.parse(b.at)) throw new BadParameterError('datetime', raw, 'has its start after its end');
  return { from: a?.at ?? null, to, toExclusive: !!b?.day };
}

/** SQL for a layer's time as timestamptz (alias `t`); a text column counts only when it holds an RFC 3339 value. */
export function temporalSql(temporal: TemporalDefinition): string {
  const col = `t.${pg.escapeIdentifier(temporal.column)}`;
  if (temporal.type === 'timestamptz') return col;
  if (temporal.type === 'date') return `${col}::timestamptz`;
  // \A…\Z anchor the pattern (a "$" would be taken for a replacement pattern where the SQL is spliced in).
  return `(CASE WHEN ${col} ~ '\\A\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:?\\d{2})?\\Z' THEN ${col}::timestamptz END)`;
}

/** The predicate selecting features whose time lies in `interval` (for the feature-query compiler's `extra`). */
export function datetimePredicate(temporal: TemporalDefinition, interval: TimeInterval): (params: SqlParams) => string {
  return (params) => {
    const time = temporalSql(temporal);
    const parts = [`${time} IS NOT NULL`];
    if (interval.from) parts.push(`${time} >= ${params.add(interval.from)}::timestamptz`);
    if (interval.to) parts.push(`${time} ${interval.toExclusive ? '<' : '<='} ${params.add(interval.to)}::timestamptz`);
    return parts.join(' AND ');
  };
}
