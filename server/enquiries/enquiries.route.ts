/**
 * /api/enquiries: investment enquiries (投资意向). Anyone may submit one (`POST`, rate-limited,
 * honeypot, size limits) and gets a reference number; only officers and admins read, assign,
 * annotate and move them through new → contacted → site_visit → signed / closed.
 */
import { route, type RouteSpec } from '../http/route.ts';
import { s, type Schema } from '../http/schema.ts';
import { AppError } from '../../core/errors.ts';
import { ENQUIRY_LIMITS, ENQUIRY_STATUSES, parseEnquiryInput, parseEnquiryUpdate, requestLang, SPACE_KINDS } from './enquiry.input.ts';
import type { EnquiriesService } from './enquiries.service.ts';

const JSON_TYPE = 'application/json';
const text = (max: number, description?: string) => s.string({ description: `at most ${max} characters${description ? `; ${description}` : ''}` });
const numberOrText = (description: string) => ({ type: ['number', 'string'], description }) as Schema<number | string>;
const idOrText = (description: string) => ({ type: ['integer', 'string'], description }) as Schema<number | string>;

/**
 * The public form's body. The route checks the types here (form fields arrive as text, so numbers
 * may come as strings); `parseEnquiryInput` then reports every bad value at once (required fields,
 * lengths, phone/e-mail, ranges, kinds) so the page can mark each field. Other keys are ignored
 * (the body's size is limited instead, 413).
 */
const ENQUIRY_BODY = s.object({
  company: text(ENQUIRY_LIMITS.company, 'required'),
  contactPerson: text(ENQUIRY_LIMITS.contactPerson, 'required'),
  phone: text(ENQUIRY_LIMITS.phone, 'phone or email is required'),
  email: text(ENQUIRY_LIMITS.email),
  industry: text(ENQUIRY_LIMITS.industry),
  investmentWan: numberOrText('planned investment in 万元 (10,000 CNY), above 0'),
  spaceKind: s.string({ description: SPACE_KINDS.join(', ') }),
  spaceAmount: numberOrText('space needed, above 0, in spaceUnit'),
  spaceUnit: s.string({ description: 'mu or m2 (default m2)' }),
  message: text(ENQUIRY_LIMITS.message),
  parkId: idOrText('the park asked about'),
  carrierId: idOrText('the published carrier asked about'),
  lang: s.enum(['zh', 'en'], { description: 'language of the answer and the messages (default: Accept-Language, else zh)' }),
  website: s.string({ description: 'honeypot: must stay empty' }),
}, { additionalProperties: true });

/** An officer's change. */
const UPDATE_BODY = s.object({
  status: s.enum(ENQUIRY_STATUSES, { description: 'new → contacted → site_visit → signed / closed' }),
  assignedTo: s.nullable(s.integer({ minimum: 1, description: 'user id of an officer or admin; null: nobody' })),
  note: s.string({ minLength: 1, maxLength: ENQUIRY_LIMITS.note }),
});

/** Filters of the inbox. */
const INBOX_QUERY = s.object({
  status: s.array(s.enum(ENQUIRY_STATUSES), { description: 'comma-separated statuses' }),
  park: s.integer({ minimum: 1, description: 'park id' }),
  county: s.string({ pattern: '^[0-9]{6}$', description: 'county adcode' }),
  assigned: s.integer({ minimum: 1, description: 'assigned user id' }),
  q: s.string({ maxLength: 100, description: 'company, contact person or reference contains' }),
  limit: s.integer({ minimum: 1, maximum: 200, default: 50 }),
  offset: s.integer({ minimum: 0, maximum: 1_000_000, default: 0 }),
});

function enquiryId(raw: unknown): number {
  const s = String(raw);
  if (!/^[0-9]{1,15}$/.test(s)) throw new AppError('bad_request', `enquiry id must be a positive integer, got ${JSON.stringify(s)}`, { parameter: 'id', value: s });
  return Number(s);
}

/** Enquiry routes. */
export function enquiryRoutes(enquiries: EnquiriesService): RouteSpec[] {
  return [
    route({
      method: 'post', path: '/api/enquiries', access: 'public', tag: 'enquiries',
      summary: 'Anyone: submit an investment enquiry about the city, a park or a published carrier; returns {reference, message}. 400 names every bad field, 429 beyond 5 per 10 minutes per client',
      body: ENQUIRY_BODY, lang: 'zh',
      response: { status: 201, type: JSON_TYPE },
      async handler(req, res, _viewer, { body }) {
        const lang = requestLang(body.lang, req.get('accept-language'));
        if (Number(req.get('content-length') ?? 0) > ENQUIRY_LIMITS.bodyBytes) {
          throw new AppError('payload_too_large', `request body exceeds ${ENQUIRY_LIMITS.bodyBytes} bytes`);
        }
        const hash = await enquiries.admit(req.ip ?? req.socket.remoteAddress ?? 'unknown', lang);
        const input = parseEnquiryInput(body, lang);
        res.status(201).json(await enquiries.submit(input, hash));
      },
    }),
    route({
      method: 'get', path: '/api/enquiries', access: ['officer'], tag: 'enquiries',
      summary: 'Officers and admins: the enquiry inbox, newest first, with the count per status',
      query: INBOX_QUERY,
      response: { status: 200, type: JSON_TYPE },
      async handler(_req, res, _viewer, { query }) {
        const { status, park, county, assigned, q, limit, offset } = query;
        res.json(await enquiries.list({
          statuses: status?.length ? status : null, parkId: park ?? null, county: county ?? null, assignedTo: assigned ?? null, q: q ?? null, limit, offset,
        }));
      },
    }),
    {
      method: 'get', path: '/api/enquiries/assignees', access: ['officer'], tag: 'enquiries',
      summary: 'Officers and admins: accounts an enquiry can be assigned to',
      response: { status: 200, type: JSON_TYPE },
      async handler(_req, res) {
        res.json(await enquiries.assignees());
      },
    },
    {
      method: 'get', path: '/api/enquiries/:id', access: ['officer'], tag: 'enquiries',
      summary: 'Officers and admins: one enquiry with its message and history (status changes, assignments, notes)',
      response: { status: 200, type: JSON_TYPE },
      async handler(req, res) {
        res.json(await enquiries.get(enquiryId(req.params.id)));
      },
    },
    route({
      method: 'patch', path: '/api/enquiries/:id', access: ['officer'], tag: 'enquiries',
      summary: 'Officers and admins: {status?, assignedTo?, note?}; status moves new → contacted → site_visit → signed / closed (409 otherwise)',
      body: UPDATE_BODY,
      response: { status: 200, type: JSON_TYPE },
      async handler(req, res, viewer, { body }) {
        res.json(await enquiries.update(enquiryId(req.params.id), parseEnquiryUpdate(body), viewer.user!));
      },
    }),
  ];
}
