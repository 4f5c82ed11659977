/**
 * Data access for enquiries (投资意向), their officer events and the submission counter used for
 * rate limiting. Only the public form writes here anonymously; every read is for officers and
 * admins (the route checks the role, and nothing here is reachable from a public read route).
 */
import type pg from 'pg';
import { withTransaction } from '../../core/db/database.ts';
import { loadQueries } from '../../core/db/sql.ts';
import type { EnquiryInput, EnquiryStatus, InboxQuery } from './enquiry.input.ts';

const Q = loadQueries(import.meta.url, 'enquiries.sql', [
  'countAttempts', 'recordAttempt', 'publishedCarrier', 'publishedPark', 'insertEnquiry', 'listEnquiries', 'statusCounts',
  'getEnquiry', 'lockEnquiry', 'setStatus', 'setAssignee', 'touchEnquiry', 'insertEvent', 'events', 'assignees', 'assigneeById',
] as const);

/** An enquiry as the inbox shows it. */
export interface EnquiryRow {
  id: number;
  reference: string;
  company: string;
  contact_person: string;
  phone: string | null;
  email: string | null;
  industry: string | null;
  investment_wan: number | null;
  space_kind: string | null;
  space_m2: number | null;
  space_unit: 'mu' | 'm2' | null;
  message?: string;
  status: EnquiryStatus;
  park_id: number | null;
  park_name_zh: string | null;
  park_name_en: string | null;
  carrier_id: number | null;
  carrier_code: string | null;
  carrier_name: string | null;
  carrier_name_en: string | null;
  carrier_kind: string | null;
  county_adcode: string | null;
  county_name_zh: string | null;
  county_name_en: string | null;
  assigned_to: number | null;
  assigned_username: string | null;
  assigned_display_name: string | null;
  lang: 'zh' | 'en';
  created_at: Date;
  updated_at: Date;
  total: number;
}

/** One entry of an enquiry's history. */
export interface EnquiryEventRow {
  id: number;
  kind: 'note' | 'status' | 'assign';
  body: string;
  from_status: string | null;
  to_status: string | null;
  assigned_to: number | null;
  created_at: Date;
  username: string | null;
  display_name: string | null;
  assigned_username: string | null;
  assigned_display_name: string | null;
}

/** An account enquiries can be assigned to. */
export interface AssigneeRow {
  id: number;
  username: string;
  display_name: string;
  role: string;
}

/** What an officer changes in one request (already validated against the current row). */
export interface EnquiryChange {
  userId: number;
  status?: { from: EnquiryStatus; to: EnquiryStatus };
  assign?: { to: number | null };
  note?: string;
}

/** Enquiries in PostgreSQL. */
export class EnquiriesRepository {
  constructor(private readonly pool: pg.Pool) {}

  /** Submissions from `clientHash` in the last `seconds`. */
  async attempts(clientHash: string, seconds: number): Promise<number> {
    const { rows } = await this.pool.query<{ n: number }>(Q.countAttempts, [clientHash, seconds]);
    return rows[0].n;
  }

  /** Count one submission (and forget those older than a day). */
  async recordAttempt(clientHash: string): Promise<void> {
    await this.pool.query(Q.recordAttempt, [clientHash]);
  }

  /** A published carrier's park and county, or null. */
  async publishedCarrier(id: number): Promise<{ id: number; park_id: number | null; county_adcode: string | null } | null> {
    const { rows } = await this.pool.query(Q.publishedCarrier, [id]);
    return rows[0] ? { id: Number(rows[0].id), park_id: rows[0].park_id === null ? null : Number(rows[0].park_id), county_adcode: rows[0].county_adcode } : null;
  }

  /** A published park's county, or null. */
  async publishedPark(id: number): Promise<{ id: number; county_adcode: string } | null> {
    const { rows } = await this.pool.query(Q.publishedPark, [id]);
    return rows[0] ? { id: Number(rows[0].id), county_adcode: rows[0].county_adcode } : null;
  }

  /** Insert an enquiry under `reference`; null when that reference is taken (the caller draws another). */
  async insert(reference: string, e: EnquiryInput, link: { parkId: number | null; carrierId: number | null; county: string | null }, clientHash: string)
    : Promise<{ id: number; reference: string; created_at: Date } | null> {
    const { rows } = await this.pool.query(Q.insertEnquiry, [
      reference, e.company, e.contactPerson, e.phone, e.email, e.industry, e.investmentWan, e.spaceKind, e.spaceM2, e.spaceUnit,
      e.message, link.parkId, link.carrierId, link.county, e.lang, clientHash,
    ]);
    return rows[0] ? { id: Number(rows[0].id), reference: rows[0].reference, created_at: rows[0].created_at } : null;
  }

  /** The inbox page for `q`, newest first; each row carries the total. */
  async list(q: InboxQuery): Promise<EnquiryRow[]> {
    const { rows } = await this.pool.query<EnquiryRow>(Q.listEnquiries, [q.statuses, q.parkId, q.county, q.assignedTo, q.q, q.limit, q.offset]);
    return rows;
  }

  /** Number of enquiries per status. */
  async statusCounts(): Promise<Record<string, number>> {
    const { rows } = await this.pool.query<{ status: string; n: number }>(Q.statusCounts);
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  }

  /** One enquiry with its message, or null. */
  async get(id: number): Promise<EnquiryRow | null> {
    const { rows } = await this.pool.query<EnquiryRow>(Q.getEnquiry, [id]);
    return rows[0] ?? null;
  }

  /** The history of an enquiry, oldest first. */
  async events(id: number): Promise<EnquiryEventRow[]> {
    const { rows } = await this.pool.query<EnquiryEventRow>(Q.events, [id]);
    return rows;
  }

  /** Officers and admins who can be assigned. */
  async assignees(): Promise<AssigneeRow[]> {
    const { rows } = await this.pool.query<AssigneeRow>(Q.assignees);
    return rows.map((r) => ({ ...r, id: Number(r.id) }));
  }

  /** Whether `id` is an active officer or admin. */
  async isAssignee(id: number): Promise<boolean> {
    return (await this.pool.query(Q.assigneeById, [id])).rowCount === 1;
  }

  /**
   * Apply an officer's change in one transaction: `decide` sees the locked current row (or null)
   * and returns the change to make; status, assignee and note are written with one event each.
   */
  async change(id: number, decide: (current: { status: EnquiryStatus; assigned_to: number | null } | null) => EnquiryChange): Promise<void> {
    await withTransaction(this.pool, async (client) => {
      const { rows } = await client.query(Q.lockEnquiry, [id]);
      const current = rows[0] ? { status: rows[0].status as EnquiryStatus, assigned_to: rows[0].assigned_to === null ? null : Number(rows[0].assigned_to) } : null;
      const c = decide(current);
      if (c.status) {
        await client.query(Q.setStatus, [id, c.status.to]);
        await client.query(Q.insertEvent, [id, c.userId, 'status', '', c.status.from, c.status.to, null]);
      }
      if (c.assign) {
        await client.query(Q.setAssignee, [id, c.assign.to]);
        await client.query(Q.insertEvent, [id, c.userId, 'assign', '', null, null, c.assign.to]);
      }
      if (c.note) {
        await client.query(Q.touchEnquiry, [id]);
        await client.query(Q.insertEvent, [id, c.userId, 'note', c.note, null, null, null]);
      }
    });
  }
}
