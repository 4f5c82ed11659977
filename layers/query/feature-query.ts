/**
 * The one feature-query compiler. Every read of a layer's features — the features API, OGC API –
 * Features, the exports and (for its filter part) the vector tiles — is compiled here from the
 * layer definition and a `FeatureFilter`, so they share one meaning of visibility, bbox and ids:
 *
 * - visibility: a layer with `visibility: 'published-only'` shows the public (`seesUnpublished`
 *   false) rows with `review_state = 'published'` only;
 * - bbox: features whose geometry **intersects** the box (`ST_Intersects`, index-assisted), not
 *   merely those whose bounding box overlaps it — a polygon that only comes near the box is out;
 * - ids: feature ids compared as text;
 * - extra predicates (a compiled CQL2 filter, a datetime interval) are ANDed in.
 *
 * Values are never spliced into SQL: templates in `feature-query.sql` name their parameters
 * (`:limit`), the filter adds its own through `SqlParams`, and `$n` numbers are assigned as the
 * text is built, so no one counts parameter positions by hand.
 */
import pg from 'pg';
import { fillTemplate, loadQueries } from '../../core/db/sql.ts';
import type { LayerDefinition } from '../definition.ts';

const Q = loadQueries(import.meta.url, 'feature-query.sql', ['count', 'page', 'batch', 'extent', 'setReviewState'] as const);

/** Names of the compiled statements. */
export type FeatureStatement = keyof typeof Q;

/** Bounding box in EPSG:4326: [minLon, minLat, maxLon, maxLat]. */
export type BBox = [number, number, number, number];

/** Parameter values of a statement being built; `add` returns the placeholder (`$n`) of a value. */
export class SqlParams {
  readonly values: unknown[] = [];
  private readonly named = new Map<string, string>();

  /** Placeholder for a new value. */
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }

  /** Placeholder for a named value; the same name gets the same placeholder. */
  addNamed(name: string, value: unknown): string {
    let ph = this.named.get(name);
    if (!ph) {
      ph = this.add(value);
      this.named.set(name, ph);
    }
    return ph;
  }

  /** Number of the next placeholder (for compilers that number their own, like `cql2ToSql`). */
  get next(): number {
    return this.values.length + 1;
  }
}

/** A predicate compiled by someone else (CQL2, datetime) against the alias `t`. */
export type ExtraPredicate = (params: SqlParams) => string;

/** Which features of a layer a read selects. */
export interface FeatureFilter {
  /** Whether the reader sees drafts (staff, reviewers, admins); the public does not. */
  seesUnpublished: boolean;
  bbox?: BBox | null;
  /** Only these feature ids (as text). */
  ids?: readonly string[] | null;
  /** Further predicates, ANDed. */
  extra?: readonly ExtraPredicate[];
}

/** A statement ready for `pool.query(text, values)`. */
export interface CompiledQuery {
  text: string;
  values: unknown[];
}

/**
 * The WHERE condition (on alias `t`) selecting the features of `layer` that `filter` admits,
 * with its values added to `params`. Tiles use this alone; the statements below wrap it.
 */
export function featurePredicate(layer: LayerDefinition, filter: FeatureFilter, params: SqlParams): string {
  const parts: string[] = [];
  if (layer.where) parts.push(`t.${pg.escapeIdentifier(layer.where.column)} = ${params.add(layer.where.value)}`);
  if (layer.visibility !== 'public' && !filter.seesUnpublished) parts.push(`t.review_state = 'published'`);
  if (filter.bbox) {
    const [a, b, c, d] = filter.bbox.map((v) => params.add(v));
    parts.push(`ST_Intersects(t.geom, ST_MakeEnvelope(${a}::float8, ${b}::float8, ${c}::float8, ${d}::float8, 4326))`);
  }
  if (filter.ids) parts.push(`t.${pg.escapeIdentifier(layer.idColumn)}::text = ANY(${params.add(filter.ids)}::text[])`);
  for (const extra of filter.extra ?? []) parts.push(`(${extra(params)})`);
  return parts.length ? parts.join('\n  AND ') : 'TRUE';
}

/**
 * Replaces the `:name` parameters of a template (not `::casts`) with `$n` placeholders of
 * `params`, the same name getting the same number. A name missing from `named` is a programming
 * error and throws, naming the statement.
 */
export function bindNamed(text: string, named: Record<string, unknown>, params: SqlParams, statement: string): string {
  return text.replace(/(?<![:\w]):([a-z][a-z_]*)\b/g, (_, key: string) => {
    if (!(key in named)) throw new Error(`query "${statement}" needs parameter :${key}`);
    return params.addNamed(key, named[key]);
  });
}

/**
 * Compiles statement `name` for `layer`: the filter's condition in `{{where}}`, the template's
 * `:named` parameters from `named` (a missing one is a programming error and throws).
 */
export function compileFeatureQuery(
  name: FeatureStatement,
  layer: LayerDefinition,
  filter: FeatureFilter,
  named: Record<string, unknown> = {},
): CompiledQuery {
  const params = new SqlParams();
  // Template parameters first, in the order they appear, then the filter's.
  const text = fillTemplate(bindNamed(Q[name], named, params, `feature ${name}`), {
    table: pg.escapeIdentifier(layer.table),
    id: pg.escapeIdentifier(layer.idColumn),
    where: featurePredicate(layer, filter, params),
  });
  return { text, values: params.values };
}
