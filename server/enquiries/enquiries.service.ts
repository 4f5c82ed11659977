/**
 * Enquiries (投资意向): the public submits one about the city, a park or a carrier and gets a
 * reference number; officers and admins work them in an inbox (status, assignee, notes).
 *
 * Spam protection, all server-side: a honeypot field (checked while parsing), a size limit per field
 * and per body, and a per-client rate limit counted in the database (so several servers share it):
 * at most `maxPerWindow` submissions, accepted or refused, per client address in `windowSeconds`.
 */
import { createHash, randomInt } from 'node:crypto';
import type { SessionUser } from '../auth/roles.ts';
import { AppError, NotFoundError } from '../../core/errors.ts';
import {
  ENQUIRY_STATUS_LABELS, ENQUIRY_TRANSITIONS, fieldsError,
  type EnquiryInput, type EnquiryLang, type EnquiryUpdate, type InboxQuery,
} from './enquiry.input.ts';
import type { EnquiriesRepository, EnquiryChange, EnquiryEventRow, EnquiryRow } from './enquiries.repository.ts';

/** Rate limit of the public form. */
export interface EnquiryRateLimit {
  windowSeconds: number;
  maxPerWindow: number;
}

/** Default: 5 submissions per client address per 10 minutes. */
export const DEFAULT_ENQUIRY_RATE_LIMIT: EnquiryRateLimit = { windowSeconds: 600, maxPerWindow: 5 };

// Letters and digits that cannot be mistaken for each other when read out on the phone.
const REF_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';

/** A new reference number: `DZ-YYMMDD-` and six unambiguous characters. */
export function newReference(now = new Date()): string {
  const ymd = now.toISOString().slice(2, 10).replace(/-/g, '');
  let tail = '';
  for (let i = 0; i < 6; i++) tail += REF_ALPHABET[randomInt(REF_ALPHABET.length)];
  return `DZ-${ymd}-${tail}`;
}

/** The stored form of a client address: a salted SHA-256, enough to count, not to identify. */
export function clientHash(address: string): string {
  return createHash('sha256').update(`dz-enquiry:${address}`).digest('hex');
}

/** The receipt the investor gets. */
export interface EnquiryReceipt {
  reference: string;
  createdAt: string;
  message: string;
}

const RATE_MSG = {
  zh: '提交过于频繁，请 {m} 分钟后再试，或直接致电园区招商联系人。',
  en: 'Too many submissions from your connection; try again in {m} minutes or call the park\'s contact.',
};
const LINK_MSG = { zh: '不存在或未公开', en: 'does not exist or is not public' };
const THANKS = {
  zh: '已收到您的投资意向，编号 {ref}。招商专员将在 2 个工作日内与您联系。',
  en: 'Thank you. Your enquiry is registered as {ref}; an investment officer will contact you within 2 working days.',
};

/** An enquiry as the API returns it to officers. */
export function serializeEnquiry(r: EnquiryRow, events?: EnquiryEventRow[]) {
  return {
    id: Number(r.id),
    reference: r.reference,
    company: r.company,
    contactPerson: r.contact_person,
    phone: r.phone,
    email: r.email,
    industry: r.industry,
    investmentWan: r.investment_wan,
    space: r.space_m2 === null && r.space_kind === null ? null : { kind: r.space_kind, m2: r.space_m2, unit: r.space_unit },
    ...(r.message !== undefined ? { message: r.message } : {}),
    status: r.status,
    statusLabel: ENQUIRY_STATUS_LABELS[r.status],
    park: r.park_id === null ? null : { id: Number(r.park_id), name: { zh: r.park_name_zh, en: r.park_name_en } },
    carrier: r.carrier_id === null ? null : { id: Number(r.carrier_id), code: r.carrier_code, name: { zh: r.carrier_name, en: r.carrier_name_en }, kind: r.carrier_kind },
    county: r.county_adcode === null ? null : { adcode: r.county_adcode, name: { zh: r.county_name_zh, en: r.county_name_en } },
    assignedTo: r.assigned_to === null ? null : { id: Number(r.assigned_to), username: r.assigned_username, displayName: r.assigned_display_name },
    lang: r.lang,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    ...(events ? {
      events: events.map((e) => ({
        id: Number(e.id), kind: e.kind, body: e.body, fromStatus: e.from_status, toStatus: e.to_status,
        assignedTo: e.assigned_to === null ? null : { id: Number(e.assigned_to), username: e.assigned_username, displayName: e.assigned_display_name },
        by: e.username ? { username: e.username, displayName: e.display_name } : null,
        at: e.created_at.toISOString(),
      })),
    } : {}),
  };
}

/** Enquiries: the public form and the officers' inbox. */
export class EnquiriesService {
  constructor(private readonly repo: EnquiriesRepository, private readonly limit: EnquiryRateLimit = DEFAULT_ENQUIRY_RATE_LIMIT) {}

  /** Count a submission from `address` and refuse it (429) beyond the rate limit. */
  async admit(address: string, lang: EnquiryLang): Promise<string> {
    const hash = clientHash(address);
    const n = await this.repo.attempts(hash, this.limit.windowSeconds);
    if (n >= this.limit.maxPerWindow) {
      throw new AppError('too_many_requests', RATE_MSG[lang].replace('{m}', String(Math.ceil(this.limit.windowSeconds / 60))), {
        limit: this.limit.maxPerWindow, windowSeconds: this.limit.windowSeconds,
      });
    }
    await this.repo.recordAttempt(hash);
    return hash;
  }

  /** Store a validated enquiry from the client `hash` (see `admit`); returns the receipt. */
  async submit(input: EnquiryInput, hash: string): Promise<EnquiryReceipt> {
    let parkId = input.parkId;
    let county: string | null = null;
    const problems: { field: string; value: unknown; message: string }[] = [];
    if (input.carrierId !== null) {
      const c = await this.repo.publishedCarrier(input.carrierId);
      if (!c) problems.push({ field: 'carrierId', value: input.carrierId, message: LINK_MSG[input.lang] });
      else {
        parkId = c.park_id ?? parkId;
        county = c.county_adcode;
      }
    }
    if (parkId !== null) {
      const p = await this.repo.publishedPark(parkId);
      if (!p) problems.push({ field: 'parkId', value: parkId, message: LINK_MSG[input.lang] });
      else county ??= p.county_adcode;
    }
    if (problems.length) throw fieldsError(problems, input.lang);
    for (let attempt = 0; attempt < 5; attempt++) {
      const row = await this.repo.insert(newReference(), input, { parkId, carrierId: input.carrierId, county }, hash);
      if (row) return { reference: row.reference, createdAt: row.created_at.toISOString(), message: THANKS[input.lang].replace('{ref}', row.reference) };
    }
    throw new AppError('internal', 'could not draw a free reference number');
  }

  /** The inbox: a page of enquiries with the total and the count per status. */
  async list(q: InboxQuery) {
    const [rows, counts] = await Promise.all([this.repo.list(q), this.repo.statusCounts()]);
    return {
      enquiries: rows.map((r) => serializeEnquiry(r)),
      numberMatched: rows[0]?.total ?? 0,
      limit: q.limit,
      offset: q.offset,
      statusCounts: counts,
    };
  }

  /** One enquiry with its message and history. */
  async get(id: number) {
    const row = await this.repo.get(id);
    if (!row) throw new NotFoundError('enquiry', id);
    return serializeEnquiry(row, await this.repo.events(id));
  }

  /** Officers and admins enquiries can be assigned to. */
  async assignees() {
    return { assignees: (await this.repo.assignees()).map((a) => ({ id: a.id, username: a.username, displayName: a.display_name, role: a.role })) };
  }

  /** Apply an officer's status change, assignment and/or note; returns the enquiry. */
  async update(id: number, u: EnquiryUpdate, user: SessionUser) {
    if (u.assignedTo !== undefined && u.assignedTo !== null && !(await this.repo.isAssignee(u.assignedTo))) {
      throw new AppError('bad_request', `field "assignedTo": user ${u.assignedTo} is not an active officer or admin`, { field: 'assignedTo', value: u.assignedTo });
    }
    await this.repo.change(id, (current) => {
      if (!current) throw new NotFoundError('enquiry', id);
      const change: EnquiryChange = { userId: user.id };
      if (u.status !== undefined && u.status !== current.status) {
        if (!ENQUIRY_TRANSITIONS[current.status].includes(u.status)) {
          throw new AppError('conflict', `status cannot go from "${current.status}" to "${u.status}"; allowed: ${ENQUIRY_TRANSITIONS[current.status].join(', ')}`, {
            field: 'status', value: u.status, from: current.status,
          });
        }
        change.status = { from: current.status, to: u.status };
      }
      if (u.assignedTo !== undefined && u.assignedTo !== current.assigned_to) change.assign = { to: u.assignedTo };
      if (u.note) change.note = u.note;
      return change;
    });
    return this.get(id);
  }
}
