/**
 * Data access for policies and promoted projects (招商政策, 对外推介项目) and their images. The
 * public filter (published and valid on the given day) is in the SQL, so a public read cannot
 * select an unreviewed or expired entry.
 */
import type pg from 'pg';
import { loadQueries } from '../../core/db/sql.ts';

const Q = loadQueries(import.meta.url, 'policies.sql', [
  'list', 'insert', 'update', 'version', 'review', 'delete', 'existingParks', 'existingCounties', 'insertImage', 'image', 'deleteImage',
] as const);

/** The two kinds of entry. */
export const POLICY_KINDS = ['policy', 'project'] as const;
export type PolicyKind = (typeof POLICY_KINDS)[number];

/** Review states of an entry (as every other layer). */
export const POLICY_STATES = ['draft', 'verified', 'published'] as const;
export type PolicyState = (typeof POLICY_STATES)[number];

/** An entry as stored. */
export interface PolicyRow {
  id: number;
  kind: PolicyKind;
  title_zh: string;
  title_en: string;
  body_zh: string;
  body_en: string;
  county_adcodes: string[];
  park_ids: string[];
  industries: string[];
  valid_from: string | null;
  valid_to: string | null;
  review_state: PolicyState;
  version: number;
  created_at: Date;
  updated_at: Date;
  reviewed_at: Date | null;
  created_by_name: string | null;
  reviewed_by_name: string | null;
  images: { id: number; caption_zh: string; caption_en: string }[];
  counties: { adcode: string; zh: string; en: string | null }[];
  /** The listed parks the reader may see. */
  parks: { id: number; zh: string; en: string | null }[];
}

/** What staff write. */
export interface PolicyFields {
  kind: PolicyKind;
  titleZh: string;
  titleEn: string;
  bodyZh: string;
  bodyEn: string;
  counties: string[];
  parkIds: number[];
  industries: string[];
  validFrom: string | null;
  validTo: string | null;
}

/** Which entries a read selects. */
export interface PolicyFilter {
  /** Every state and validity (staff) or published and valid on `day` only. */
  all: boolean;
  /** `YYYY-MM-DD`, China Standard Time. */
  day: string;
  kind?: PolicyKind | null;
  parkId?: number | null;
  id?: number | null;
}

const fieldValues = (f: PolicyFields) => [f.kind, f.titleZh, f.titleEn, f.bodyZh, f.bodyEn, f.counties, f.parkIds, f.industries, f.validFrom, f.validTo];

/** Policies and projects. */
export class PoliciesRepository {
  constructor(private readonly pool: pg.Pool) {}

  async list(f: PolicyFilter): Promise<PolicyRow[]> {
    const { rows } = await this.pool.query<PolicyRow>(Q.list, [f.all, f.day, f.kind ?? null, f.parkId ?? null, f.id ?? null]);
    return rows;
  }

  async insert(f: PolicyFields, userId: number | null): Promise<number> {
    return Number((await this.pool.query(Q.insert, [...fieldValues(f), userId])).rows[0].id);
  }

  /** Update from `version`; false when the entry moved on (or is gone: see `version`). */
  async update(id: number, version: number, f: PolicyFields): Promise<boolean> {
    const [kind, ...rest] = fieldValues(f);
    return (await this.pool.query(Q.update, [id, kind, ...rest, version])).rows.length > 0;
  }

  /** Current version, or null when the entry does not exist. */
  async version(id: number): Promise<number | null> {
    const r = (await this.pool.query(Q.version, [id])).rows[0];
    return r ? Number(r.version) : null;
  }

  async review(id: number, state: PolicyState, userId: number | null): Promise<boolean> {
    return (await this.pool.query(Q.review, [id, state, userId])).rows.length > 0;
  }

  async delete(id: number): Promise<boolean> {
    return (await this.pool.query(Q.delete, [id])).rows.length > 0;
  }

  async existingParks(ids: number[]): Promise<Set<number>> {
    return new Set((await this.pool.query(Q.existingParks, [ids])).rows.map((r) => Number(r.id)));
  }

  async existingCounties(adcodes: string[]): Promise<Set<string>> {
    return new Set((await this.pool.query(Q.existingCounties, [adcodes])).rows.map((r) => String(r.adcode)));
  }

  async insertImage(policyId: number, sha256: string, ext: string, captionZh: string, captionEn: string): Promise<number> {
    return Number((await this.pool.query(Q.insertImage, [policyId, sha256, ext, captionZh, captionEn])).rows[0].id);
  }

  /** One image and whether the public may see it on `day`. */
  async image(policyId: number, imageId: number, day: string): Promise<{ sha256: string; ext: string; public: boolean } | null> {
    return (await this.pool.query(Q.image, [policyId, imageId, day])).rows[0] ?? null;
  }

  async deleteImage(policyId: number, imageId: number): Promise<boolean> {
    return (await this.pool.query(Q.deleteImage, [policyId, imageId])).rows.length > 0;
  }
}
