/**
 * Shortlists: the sites an officer picked for a named client, and read-only share links for the
 * client. A link is 32 random bytes (base64url) shown once; only its SHA-256 is stored. Opening a
 * link counts a view; an expired, revoked or unknown link gets the same 404. The shared view shows
 * published sites only (a site unpublished since the link was made disappears from it), never the
 * shortlist's internal notes, and never anything of another shortlist.
 *
 * Ownership: the officer who creates a shortlist owns it. Only the owner (or an admin) may change,
 * delete, share it or revoke its links; other officers may read it (colleagues cover for each
 * other), and every answer says who owns it and whether the caller may edit (`canEdit`).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Geometry } from 'geojson';
import { AMENITY_KINDS } from '../../layers/catalog.ts';
import type { SessionUser, Viewer } from '../auth/roles.ts';
import { AppError, NotFoundError } from '../../core/errors.ts';
import { fieldError, s, type Infer, type Lang } from '../http/schema.ts';
import { BRIEF_SCHEMA, LAYER_OF_KIND, MU_M2, toBrief, type BriefBody } from './brief.ts';
import type { ItemInput, ShortlistsRepository } from './shortlists.repository.ts';

/** Limits of shortlists and share links. */
export const SHORTLIST_LIMITS = { items: 100, clientName: 200, notes: 5000, itemNote: 1000, shareDays: { default: 30, min: 1 / 24, max: 365 } } as const;

const sha256 = (token: string): string => createHash('sha256').update(token).digest('hex');

/** Indicators shown for a shared site (null ones are left out). */
const INDICATORS = [
  'area_m2', 'land_use', 'allowed_industries', 'price', 'price_unit', 'power_kva', 'water_t_per_day', 'gas', 'floors',
  'floor_area_m2', 'floor_load_kn_m2', 'clear_height_m', 'building_height_m', 'plot_ratio_min', 'plot_ratio_max',
  'investment_intensity_wan_per_mu', 'output_per_mu_wan', 'available_from',
] as const;

/** Whether `viewer` may change a shortlist owned by `ownerId`: its owner, or an admin. */
export function canEdit(ownerId: number | null, viewer: Viewer): boolean {
  return viewer.role === 'admin' || (viewer.user !== null && ownerId !== null && viewer.user.id === ownerId);
}

/** Parse a path id. */
export function parseId(raw: string): number {
  if (!/^[0-9]{1,15}$/.test(raw)) throw new AppError('bad_request', `shortlist id must be a positive integer, got ${JSON.stringify(raw)}`, { parameter: 'id', value: raw });
  return Number(raw);
}

/** The client's name, trimmed: not blank. */
function nonBlank(v: string, lang: Lang): string {
  if (!v.trim()) throw fieldError('clientName', v, { en: 'must not be blank', zh: '不能为空白' }, lang);
  return v.trim();
}

/** A shortlisted site: a carrier id, or `{carrierId, note}` (the service checks it is published and listed once). */
const SHORTLIST_ITEM = s.oneOf(
  s.integer({ minimum: 1, description: 'carrier id' }),
  s.object({ carrierId: s.integer({ minimum: 1 }), note: s.nullable(s.string({ maxLength: SHORTLIST_LIMITS.itemNote })) }, { required: ['carrierId'] }),
);
const SHORTLIST_FIELDS = {
  clientName: s.string({ minLength: 1, maxLength: SHORTLIST_LIMITS.clientName, description: 'the client the sites are for' }),
  notes: s.nullable(s.string({ maxLength: SHORTLIST_LIMITS.notes, description: 'internal notes (never shown on the share link)' })),
  brief: s.nullable(BRIEF_SCHEMA),
  items: s.array(SHORTLIST_ITEM, { maxItems: SHORTLIST_LIMITS.items }),
  lang: s.enum(['zh', 'en'] as const, { description: 'language of error messages' }),
};

/** Body of `POST /api/shortlists`. */
export const SHORTLIST_BODY = s.object(SHORTLIST_FIELDS, { required: ['clientName'] });
export type ShortlistBody = Infer<typeof SHORTLIST_BODY>;
/** Body of `PATCH /api/shortlists/:id`: the fields to change. */
export const SHORTLIST_PATCH_BODY = s.object(SHORTLIST_FIELDS);
export type ShortlistPatchBody = Infer<typeof SHORTLIST_PATCH_BODY>;
/** Body of `POST /api/shortlists/:id/share`. */
export const SHARE_BODY = s.object({
  expiresInDays: s.number({ description: `days the link stays valid, ${Number(SHORTLIST_LIMITS.shareDays.min.toFixed(4))}..${SHORTLIST_LIMITS.shareDays.max} (default ${SHORTLIST_LIMITS.shareDays.default})` }),
  lang: s.enum(['zh', 'en'] as const, { description: 'language of error messages' }),
});
export type ShareBody = Infer<typeof SHARE_BODY>;
/** Body of `POST /api/shortlists/:id/share/revoke`. */
export const REVOKE_BODY = s.object({
  token: s.string({ description: 'the link to revoke; every live link when absent' }),
  lang: s.enum(['zh', 'en'] as const, { description: 'language of error messages' }),
});
export type RevokeBody = Infer<typeof REVOKE_BODY>;

/** Shortlists and share links. */
export class ShortlistsService {
  constructor(private readonly repo: ShortlistsRepository) {}

  /** The sites as a list of {carrierId, note}: each listed once and published. */
  private async items(raw: NonNullable<ShortlistBody['items']>, lang: Lang): Promise<ItemInput[]> {
    const items = raw.map((it): ItemInput => (typeof it === 'number' ? { carrierId: it, note: '' } : { carrierId: it.carrierId, note: it.note?.trim() ?? '' }));
    const seen = new Set<number>();
    items.forEach((it, i) => {
      if (seen.has(it.carrierId)) throw fieldError(`items[${i}].carrierId`, it.carrierId, { en: 'is listed twice', zh: '重复列出' }, lang);
      seen.add(it.carrierId);
    });
    const published = await this.repo.publishedCarrierIds([...seen]);
    items.forEach((it, i) => {
      if (!published.has(it.carrierId)) throw fieldError(`items[${i}].carrierId`, it.carrierId, { en: 'must be a published carrier', zh: '必须是已发布的载体' }, lang);
    });
    return items;
  }

  /** A stored brief must be one the officer can run again: the brief's rules between fields hold. */
  private brief(raw: BriefBody | null | undefined, lang: Lang): BriefBody | null {
    if (raw === undefined || raw === null) return null;
    toBrief(raw, lang, 'brief');
    return raw;
  }

  /** Create a shortlist from `{clientName, notes?, brief?, items: [{carrierId, note?}]}`. */
  async create(body: ShortlistBody, user: SessionUser | null, lang: Lang = 'en') {
    const clientName = nonBlank(body.clientName, lang);
    const notes = body.notes?.trim() ?? '';
    const brief = this.brief(body.brief, lang) ?? {};
    const items = await this.items(body.items ?? [], lang);
    const id = await this.repo.create(clientName, brief, notes, user?.id ?? null, items);
    return this.get(id, user ? { user, role: user.role } : { user: null, role: 'public' });
  }

  /** The shortlist, if `viewer` may change it: 404 when it does not exist, 403 naming the owner otherwise. */
  private async editable(id: number, viewer: Viewer, action: string) {
    const s = await this.repo.get(id);
    if (!s) throw new NotFoundError('shortlist', id);
    if (!canEdit(s.owner_id, viewer)) {
      throw new AppError('forbidden', `shortlist ${id} belongs to ${s.owner ? `"${s.owner}"` : 'a removed account'}; only its owner or an admin may ${action} it`,
        { owner: s.owner });
    }
    return s;
  }

  /** Update any of clientName, notes, brief, items (items replace the list); owner or admin only. */
  async update(id: number, body: ShortlistPatchBody, viewer: Viewer, lang: Lang = 'en') {
    await this.editable(id, viewer, 'change');
    const clientName = body.clientName === undefined ? null : nonBlank(body.clientName, lang);
    const notes = body.notes?.trim() ?? null;
    const brief = this.brief(body.brief, lang);
    const items = body.items === undefined ? null : await this.items(body.items, lang);
    if (!(await this.repo.update(id, clientName, brief, notes, items))) throw new NotFoundError('shortlist', id);
    return this.get(id, viewer);
  }

  /** Delete a shortlist and its links; owner or admin only. */
  async delete(id: number, viewer: Viewer): Promise<void> {
    await this.editable(id, viewer, 'delete');
    if (!(await this.repo.delete(id))) throw new NotFoundError('shortlist', id);
  }

  /** Every shortlist (officers read each other's), with its owner and whether `viewer` may edit it. */
  async list(viewer: Viewer) {
    return (await this.repo.list()).map((r) => ({
      id: r.id, clientName: r.client_name, itemCount: r.item_count, createdBy: r.created_by, owner: r.owner, canEdit: canEdit(r.owner_id, viewer),
      createdAt: r.created_at, updatedAt: r.updated_at,
    }));
  }

  /** One shortlist with its items and links (officer view). */
  async get(id: number, viewer: Viewer) {
    const s = await this.repo.get(id);
    if (!s) throw new NotFoundError('shortlist', id);
    const [items, shares] = await Promise.all([this.repo.items(id), this.repo.shares(id)]);
    return {
      id: s.id, clientName: s.client_name, notes: s.notes, brief: s.brief, createdBy: s.created_by, owner: s.owner, canEdit: canEdit(s.owner_id, viewer),
      createdAt: s.created_at, updatedAt: s.updated_at,
      items: items.map((i) => i.published
        ? {
            carrierId: i.carrier_id, position: i.position, note: i.note, published: true, layer: LAYER_OF_KIND[i.kind!], name: i.name,
            status: i.status, area_m2: i.area_m2, price: i.price, price_unit: i.price_unit,
          }
        : { carrierId: i.carrier_id, position: i.position, note: i.note, published: false }),
      shares: shares.map((sh) => ({
        id: sh.id, active: sh.active, expiresAt: sh.expires_at, revokedAt: sh.revoked_at, viewCount: sh.view_count, createdAt: sh.created_at,
      })),
    };
  }

  /** Make a share link valid for `expiresInDays` (default 30); owner or admin only. `baseUrl` (the configured public one) builds the URL. */
  async share(id: number, body: ShareBody, viewer: Viewer, baseUrl: string, lang: Lang = 'en') {
    const { min, max } = SHORTLIST_LIMITS.shareDays;
    const days = body.expiresInDays ?? SHORTLIST_LIMITS.shareDays.default;
    if (days < min || days > max) {
      const range = `${Number(min.toFixed(4))}..${max}`;
      throw fieldError('expiresInDays', days, { en: `must be a number of days within ${range}`, zh: `必须是 ${range} 之间的天数` }, lang);
    }
    await this.editable(id, viewer, 'share');
    const token = randomBytes(32).toString('base64url');
    const expiresAt = await this.repo.insertShare(sha256(token), id, days, viewer.user?.id ?? null);
    return { url: `${baseUrl}/select.html#shared=${token}`, token, expiresAt };
  }

  /** Revoke the link with `token`, or every live link of the shortlist when no token is given; owner or admin only. */
  async revoke(id: number, body: RevokeBody, viewer: Viewer) {
    await this.editable(id, viewer, 'revoke links of');
    const revoked = await this.repo.revoke(id, body.token !== undefined ? sha256(body.token) : null);
    if (body.token !== undefined && !revoked.length) throw new NotFoundError('live share link of shortlist', id);
    return { revoked };
  }

  /** The client's read-only view of a shared shortlist; counts the view. */
  async shared(token: string) {
    const gone = new AppError('not_found', 'this share link does not exist, has expired or was revoked');
    if (!/^[A-Za-z0-9_-]{43}$/.test(token)) throw gone;
    const share = await this.repo.openShare(sha256(token));
    if (!share) throw gone;
    const s = await this.repo.get(share.shortlist_id);
    if (!s) throw gone;
    const sites = await this.repo.sharedSites(share.shortlist_id, Object.keys(AMENITY_KINDS));
    return {
      clientName: s.client_name,
      createdAt: s.created_at,
      updatedAt: s.updated_at,
      expiresAt: share.expires_at,
      sites: sites.map((r) => {
        const indicators: Record<string, unknown> = {};
        for (const k of INDICATORS) if (r[k] !== null && r[k] !== undefined) indicators[k] = r[k];
        indicators.area_mu = Math.round(((r.area_m2 as number) / MU_M2) * 100) / 100;
        return {
          id: r.id,
          layer: LAYER_OF_KIND[r.kind],
          name: r.name,
          position: r.position,
          note: r.note,
          status: r.status,
          county: r.county_adcode ? { adcode: r.county_adcode, name_zh: r.county_name_zh, name_en: r.county_name_en } : null,
          park: r.park_id ? { id: r.park_id, name_zh: r.park_name_zh, name_en: r.park_name_en } : null,
          indicators,
          photos: [] as string[],
          nearest: r.nearest,
          geometry: JSON.parse(r.geometry) as Geometry,
        };
      }),
    };
  }
}
