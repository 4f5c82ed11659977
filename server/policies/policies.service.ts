/**
 * Policies and promoted projects (招商政策, 对外推介项目库): staff write them (zh and en title and
 * Markdown body, images, the counties / parks / industries they apply to, a validity window),
 * reviewers publish them, and the public sees an entry only while it is published and valid
 * today (China Standard Time). Any change to an entry makes it a draft again. Bodies are rendered
 * by the strict Markdown subset of `markdown.ts`; raw HTML never reaches a page.
 */
import { AppError, BadParameterError, NotFoundError } from '../../core/errors.ts';
import { industryName } from '../../layers/industries.ts';
import type { AssetStore } from '../../assets/storage.ts';
import { omitInternal, seesUnpublished, type Viewer } from '../auth/roles.ts';
import { markdownText, renderMarkdown } from './markdown.ts';
import type { PoliciesRepository, PolicyFields, PolicyKind, PolicyRow, PolicyState } from './policies.repository.ts';

type I18n = { zh: string; en: string };

/** An entry as the API and the portal present it. */
export interface Policy {
  id: number;
  kind: PolicyKind;
  title: I18n;
  /** Markdown source. */
  body: I18n;
  /** Rendered, safe HTML of the body. */
  html: I18n;
  /** Plain-text excerpt. */
  excerpt: I18n;
  counties: { adcode: string; name: I18n }[];
  parks: { id: number; name: I18n }[];
  industries: I18n[];
  validFrom: string | null;
  validTo: string | null;
  images: { id: number; url: string; caption: I18n }[];
  url: string;
  version: number;
  updatedAt: Date;
  /** Staff only (left out for the public by `omitInternal`). */
  reviewState?: PolicyState;
  reviewedAt?: Date | null;
  createdBy?: string | null;
  reviewedBy?: string | null;
}

/** Input of create and update (validated at the route for types and lengths). */
export interface PolicyInput {
  kind: PolicyKind;
  title: { zh: string; en?: string };
  body?: { zh?: string; en?: string };
  counties?: string[];
  parkIds?: number[];
  industries?: string[];
  validFrom?: string | null;
  validTo?: string | null;
}

/** Images: what may be uploaded. */
export const POLICY_IMAGE = { maxBytes: 8 * 1024 * 1024 } as const;

/** `YYYY-MM-DD` of `d` in China Standard Time. */
export function chinaDay(d: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
}

/** The image type of `bytes` from its signature, or null. */
export function imageType(bytes: Uint8Array): 'jpg' | 'png' | 'webp' | null {
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpg';
  if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return 'png';
  if (String.fromCharCode(...bytes.slice(0, 4)) === 'RIFF' && String.fromCharCode(...bytes.slice(8, 12)) === 'WEBP') return 'webp';
  return null;
}

const i18n = (zh: string, en: string | null): I18n => ({ zh, en: en ?? '' });

function present(r: PolicyRow): Policy {
  return {
    id: r.id, kind: r.kind,
    title: { zh: r.title_zh, en: r.title_en },
    body: { zh: r.body_zh, en: r.body_en },
    html: { zh: renderMarkdown(r.body_zh), en: renderMarkdown(r.body_en) },
    excerpt: { zh: markdownText(r.body_zh), en: markdownText(r.body_en) },
    counties: r.counties.map((c) => ({ adcode: c.adcode, name: i18n(c.zh, c.en) })),
    parks: r.parks.map((p) => ({ id: Number(p.id), name: i18n(p.zh, p.en) })),
    industries: r.industries.map((zh) => ({ zh, en: industryName(zh, 'en') })),
    validFrom: r.valid_from, validTo: r.valid_to,
    images: r.images.map((i) => ({ id: Number(i.id), url: `/api/policies/${r.id}/images/${i.id}`, caption: { zh: i.caption_zh, en: i.caption_en } })),
    url: `/policies/${r.id}`,
    version: r.version, updatedAt: r.updated_at,
    reviewState: r.review_state, reviewedAt: r.reviewed_at, createdBy: r.created_by_name, reviewedBy: r.reviewed_by_name,
  };
}

/** Policy and project rules. */
export class PoliciesService {
  constructor(
    private readonly repo: PoliciesRepository,
    private readonly store: AssetStore,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private today(): string {
    return chinaDay(this.now());
  }

  /** Entries the viewer may see: staff every state, the public published and valid today. */
  async list(viewer: Viewer, query: { kind?: PolicyKind; parkId?: number }): Promise<Policy[]> {
    const rows = await this.repo.list({ all: seesUnpublished(viewer), day: this.today(), kind: query.kind ?? null, parkId: query.parkId ?? null });
    return rows.map((r) => omitInternal(viewer, present(r)));
  }

  /** What the public sees (the portal pages): published and valid today, optionally applying to one park. */
  async publicList(parkId?: number): Promise<Policy[]> {
    const rows = await this.repo.list({ all: false, day: this.today(), parkId: parkId ?? null });
    return rows.map((r) => omitInternal({ user: null, role: 'public' }, present(r)));
  }

  /** One entry; 404 when absent or not visible to the viewer. */
  async get(viewer: Viewer, id: number): Promise<Policy> {
    const [row] = await this.repo.list({ all: seesUnpublished(viewer), day: this.today(), id });
    if (!row) throw new NotFoundError('policy', id);
    return omitInternal(viewer, present(row));
  }

  private async fields(input: PolicyInput): Promise<PolicyFields> {
    const titleZh = input.title.zh.trim();
    if (!titleZh) throw new BadParameterError('title.zh', input.title.zh, 'must not be empty');
    const counties = [...new Set(input.counties ?? [])];
    const parkIds = [...new Set(input.parkIds ?? [])];
    const industries = [...new Set((input.industries ?? []).map((s) => s.trim()).filter(Boolean))];
    if (counties.length) {
      const found = await this.repo.existingCounties(counties);
      const bad = counties.find((c) => !found.has(c));
      if (bad) throw new BadParameterError('counties', bad, 'is not the adcode of a county of Dazhou');
    }
    if (parkIds.length) {
      const found = await this.repo.existingParks(parkIds);
      const bad = parkIds.find((p) => !found.has(p));
      if (bad !== undefined) throw new BadParameterError('parkIds', bad, 'names no park');
    }
    const validFrom = input.validFrom ?? null;
    const validTo = input.validTo ?? null;
    if (validFrom && validTo && validTo < validFrom) throw new BadParameterError('validTo', validTo, `must not be before validFrom (${validFrom})`);
    return {
      kind: input.kind, titleZh, titleEn: (input.title.en ?? '').trim(), bodyZh: input.body?.zh ?? '', bodyEn: input.body?.en ?? '',
      counties, parkIds, industries, validFrom, validTo,
    };
  }

  /** Staff: a new entry (a draft). */
  async create(viewer: Viewer, input: PolicyInput): Promise<Policy> {
    const id = await this.repo.insert(await this.fields(input), viewer.user?.id ?? null);
    return this.get(viewer, id);
  }

  /** Staff: replace an entry's fields from `version`; it becomes a draft again. 409 when someone changed it since. */
  async update(viewer: Viewer, id: number, input: PolicyInput & { version: number }): Promise<Policy> {
    const f = await this.fields(input);
    if (!(await this.repo.update(id, input.version, f))) {
      const current = await this.repo.version(id);
      if (current === null) throw new NotFoundError('policy', id);
      throw new AppError('conflict', `policy ${id} was changed by someone else (version ${current}, you edited version ${input.version}); reload it`, { id, version: current });
    }
    return this.get(viewer, id);
  }

  /** Reviewer (校核): set the review state. */
  async review(viewer: Viewer, id: number, state: PolicyState): Promise<Policy> {
    if (!(await this.repo.review(id, state, viewer.user?.id ?? null))) throw new NotFoundError('policy', id);
    return this.get(viewer, id);
  }

  async delete(id: number): Promise<void> {
    if (!(await this.repo.delete(id))) throw new NotFoundError('policy', id);
  }

  /** Staff: add an image (JPEG, PNG or WebP up to 8 MB); the entry becomes a draft again only when its text changes. */
  async addImage(viewer: Viewer, id: number, file: { name: string; bytes: Uint8Array }, caption: I18n): Promise<Policy> {
    await this.get(viewer, id);
    const ext = imageType(file.bytes);
    if (!ext) throw new AppError('bad_request', `file "${file.name}" is not a JPEG, PNG or WebP image`, { field: 'file', value: file.name });
    if (file.bytes.length > POLICY_IMAGE.maxBytes) throw new AppError('payload_too_large', `file "${file.name}" is ${file.bytes.length} bytes; images may have at most ${POLICY_IMAGE.maxBytes}`);
    const stored = await this.store.put(file.bytes, { ext });
    await this.repo.insertImage(id, stored.sha256, ext, caption.zh.slice(0, 200), caption.en.slice(0, 300));
    return this.get(viewer, id);
  }

  async deleteImage(id: number, imageId: number): Promise<void> {
    if (!(await this.repo.deleteImage(id, imageId))) throw new NotFoundError(`image of policy ${id}`, imageId);
  }

  /** An image's bytes when the viewer may see its entry. */
  async image(viewer: Viewer, id: number, imageId: number): Promise<{ bytes: Uint8Array; type: string; public: boolean }> {
    const row = await this.repo.image(id, imageId, this.today());
    if (!row || (!row.public && !seesUnpublished(viewer))) throw new NotFoundError(`image of policy ${id}`, imageId);
    const bytes = await this.store.get({ sha256: row.sha256, ext: row.ext });
    if (!bytes) throw new NotFoundError(`image of policy ${id}`, imageId);
    return { bytes, type: row.ext === 'jpg' ? 'image/jpeg' : `image/${row.ext}`, public: row.public };
  }
}
