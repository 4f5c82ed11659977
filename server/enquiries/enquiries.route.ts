/**
 * /api/enquiries: investment enquiries (投资意向). Anyone may submit one (`POST`, rate-limited,
 * honeypot, size limits) and gets a reference number; only officers and admins read, assign,
 * annotate and move them through new → contacted → site_visit → signed / closed.
 */
import type { RouteSpec } from '../http/route.ts';
import { AppError } from '../../core/errors.ts';
import {
  ENQUIRY_LIMITS, ENQUIRY_STATUSES, parseEnquiryInput, parseEnquiryUpdate, parseInboxQuery, requestLang, SPACE_KINDS,
} from './enquiry.input.ts';
import type { EnquiriesService } from './enquiries.service.ts';

const JSON_TYPE = 'application/json';
const ENQUIRY_BODY = {
  type: 'object', required: ['company', 'contactPerson'],
  properties: {
    company: { type: 'string', maxLength: ENQUIRY_LIMITS.company },
    contactPerson: { type: 'string', maxLength: ENQUIRY_LIMITS.contactPerson },
    phone: { type: 'string', maxLength: ENQUIRY_LIMITS.phone, description: 'phone or email is required' },
    email: { type: 'string', maxLength: ENQUIRY_LIMITS.email },
    industry: { type: 'string', maxLength: ENQUIRY_LIMITS.industry },
    investmentWan: { type: 'number', description: 'planned investment in 万元 (10,000 CNY)' },
    spaceKind: { enum: [...SPACE_KINDS] },
    spaceAmount: { type: 'number' },
    spaceUnit: { enum: ['mu', 'm2'] },
    message: { type: 'string', maxLength: ENQUIRY_LIMITS.message },
    parkId: { type: 'integer' },
    carrierId: { type: 'integer' },
    lang: { enum: ['zh', 'en'] },
    website: { type: 'string', description: 'honeypot: must stay empty' },
  },
};

function enquiryId(raw: unknown): number {
  const s = String(raw);
  if (!/^[0-9]{1,15}$/.test(s)) throw new AppError('bad_request', `enquiry id must be a positive integer, got ${JSON.stringify(s)}`, { parameter: 'id', value: s });
  return Number(s);
}

/** Enquiry routes. */
export function enquiryRoutes(enquiries: EnquiriesService): RouteSpec[] {
  return [
    {
      method: 'post', path: '/api/enquiries', access: 'public', tag: 'enquiries',
      summary: 'Anyone: submit an investment enquiry about the city, a park or a published carrier; returns {reference, message}. 400 names every bad field, 429 beyond 5 per 10 minutes per client',
      body: ENQUIRY_BODY,
      response: { status: 201, type: JSON_TYPE },
      async handler(req, res) {
        const body = req.body as Record<string, unknown> | undefined;
        const lang = requestLang(body?.lang, req.get('accept-language'));
        if (Number(req.get('content-length') ?? 0) > ENQUIRY_LIMITS.bodyBytes) {
          throw new AppError('payload_too_large', `request body exceeds ${ENQUIRY_LIMITS.bodyBytes} bytes`);
        }
        const hash = await enquiries.admit(req.ip ?? req.socket.remoteAddress ?? 'unknown', lang);
        const input = parseEnquiryInput(body, lang);
        res.status(201).json(await enquiries.submit(input, hash));
      },
    },
    {
      method: 'get', path: '/api/enquiries', access: ['officer'], tag: 'enquiries',
      summary: 'Officers and admins: the enquiry inbox, newest first, with the count per status',
      query: [
        { name: 'status', description: `comma-separated: ${ENQUIRY_STATUSES.join(', ')}`, schema: { type: 'string' } },
        { name: 'park', description: 'park id', schema: { type: 'integer' } },
        { name: 'county', description: 'county adcode', schema: { type: 'string' } },
        { name: 'assigned', description: 'assigned user id', schema: { type: 'integer' } },
        { name: 'q', description: 'company, contact person or reference contains', schema: { type: 'string' } },
        { name: 'limit', description: '1..200 (default 50)', schema: { type: 'integer' } },
        { name: 'offset', description: 'default 0', schema: { type: 'integer' } },
      ],
      response: { status: 200, type: JSON_TYPE },
      async handler(req, res) {
        res.json(await enquiries.list(parseInboxQuery(req.query as Record<string, unknown>)));
      },
    },
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
    {
      method: 'patch', path: '/api/enquiries/:id', access: ['officer'], tag: 'enquiries',
      summary: 'Officers and admins: {status?, assignedTo?, note?}; status moves new → contacted → site_visit → signed / closed (409 otherwise)',
      body: { type: 'object', properties: { status: { enum: [...ENQUIRY_STATUSES] }, assignedTo: { type: ['integer', 'null'] }, note: { type: 'string' } } },
      response: { status: 200, type: JSON_TYPE },
      async handler(req, res, viewer) {
        res.json(await enquiries.update(enquiryId(req.params.id), parseEnquiryUpdate(req.body), viewer.user!));
      },
    },
  ];
}
