/**
 * Demo enquiries (投资意向): invented investors asking about the demo's parks and available sites
 * over the six months before seeding, so that on a first look the officers' inbox has work in every
 * state and the dashboard's enquiries by park and month and its funnel (new → site visit → signed)
 * have something to show. Every company name ends in "（示例）" / "(demo)"; phone numbers are in
 * the unassigned 1380000xxxx range.
 *
 * They go the way a real one goes: the form's body is checked by the same `parseEnquiryInput` as
 * `POST /api/enquiries`, stored by the same `EnquiriesService.submit` (links to published parks
 * and carriers checked, reference number drawn), then moved along the workflow by
 * `EnquiriesService.update` as an officer would (assigned to the first admin, notes, status
 * changes, each an event). The only step no service offers is the date: like the carriers' past
 * (`demo-history.ts`), each enquiry and its events are then moved to their generated days
 * (`backdate`), the day in the reference number with them. Not rate-limited (the demo calls the
 * service, not the route) and marked with its own client hash.
 */
import type pg from 'pg';
import { loadQueries } from '../../core/db/sql.ts';
import type { SessionUser } from '../auth/roles.ts';
import { EnquiriesRepository } from '../enquiries/enquiries.repository.ts';
import { clientHash, EnquiriesService } from '../enquiries/enquiries.service.ts';
import { parseEnquiryInput, type EnquiryStatus } from '../enquiries/enquiry.input.ts';

const Q = loadQueries(import.meta.url, 'demo-enquiries.sql', ['demoState', 'target', 'firstAdmin', 'idOf', 'eventCount', 'backdate', 'markSeeded'] as const);

/** The client hash that marks the demo's enquiries (never a real address's: no address is "demo"). */
export const DEMO_ENQUIRY_CLIENT = clientHash('demo-enquiries');

/** One officer step: a status change and/or a note, `afterDays` after the previous step. */
interface DemoStep {
  afterDays: number;
  status?: EnquiryStatus;
  note: string;
}

/** A demo enquiry: the form's fields, the park (by code) and the kind of site asked about, its age and its handling. */
interface DemoEnquiry {
  park: string;
  /** The kind of site: the enquiry names the park's `pick`-th available published one of it (none: the park only). */
  site?: 'land' | 'factory' | 'office';
  pick?: number;
  lang: 'zh' | 'en';
  company: string;
  contactPerson: string;
  phone?: string;
  email?: string;
  industry: string;
  investmentWan: number;
  spaceAmount: number;
  spaceUnit: 'mu' | 'm2';
  message: string;
  /** Received this many days before seeding. */
  daysAgo: number;
  steps: DemoStep[];
}

/** The demo's enquiries, oldest first. */
export const DEMO_ENQUIRIES: readonly DemoEnquiry[] = [
  {
    park: 'XHPG', site: 'land', lang: 'zh', company: '川东天然气精细化工有限公司（示例）', contactPerson: '赵总', phone: '13800000101',
    industry: '天然气化工', investmentWan: 120000, spaceAmount: 180, spaceUnit: 'mu', daysAgo: 172,
    message: '拟建设天然气制甲醇下游精细化工项目，需工业用地约 180 亩，关注直供气价和 110 kV 专变建设条件。',
    steps: [
      { afterDays: 1, status: 'contacted', note: '已电话联系赵总，发送园区用气用电政策。' },
      { afterDays: 16, status: 'site_visit', note: '企业一行 5 人现场踏勘，对地块平整度满意。' },
      { afterDays: 48, status: 'signed', note: '投资协议已签订，进入供地程序。' },
    ],
  },
  {
    park: 'DZGX', site: 'factory', lang: 'zh', company: '深圳智联电子科技有限公司（示例）', contactPerson: '陈经理', phone: '13800000102',
    industry: '电子信息', investmentWan: 30000, spaceAmount: 12000, spaceUnit: 'm2', daysAgo: 151,
    message: '计划在川东北设立显示模组生产基地，需标准厂房约 1.2 万平方米，层高 8 米以上，希望了解租金减免政策。',
    steps: [
      { afterDays: 0, status: 'contacted', note: '介绍高新区电子信息产业标准厂房租金减免办法。' },
      { afterDays: 21, status: 'site_visit', note: '看了 2 栋厂房，倾向一楼整层。' },
      { afterDays: 35, status: 'signed', note: '签订厂房租赁及投资协议。' },
    ],
  },
  {
    park: 'WYKF', site: 'land', lang: 'zh', company: '巴山富硒茶业有限公司（示例）', contactPerson: '王女士', phone: '13800000103',
    industry: '富硒茶加工', investmentWan: 8000, spaceAmount: 40, spaceUnit: 'mu', daysAgo: 133,
    message: '想建设富硒茶精制加工和仓储中心，约 40 亩。',
    steps: [
      { afterDays: 2, status: 'contacted', note: '已联系，企业资金计划推迟到明年。' },
      { afterDays: 30, status: 'closed', note: '企业暂缓投资，关闭；明年再跟进。' },
    ],
  },
  {
    park: 'DZJK', site: 'land', lang: 'zh', company: '四川锂源新材料股份有限公司（示例）', contactPerson: '刘总', phone: '13800000104',
    industry: '锂钾综合开发', investmentWan: 250000, spaceAmount: 300, spaceUnit: 'mu', daysAgo: 121,
    message: '拟投资锂盐及正极材料项目，一期用地 300 亩，需了解卤水资源配套和环评要求。',
    steps: [
      { afterDays: 1, status: 'contacted', note: '转发经开区锂钾产业规划。' },
      { afterDays: 25, status: 'site_visit', note: '现场考察，待企业内部决策。' },
    ],
  },
  {
    park: 'DZJK', site: 'office', lang: 'zh', company: '达州云数信息服务有限公司（示例）', contactPerson: '孙经理', phone: '13800000105',
    industry: '商贸服务', investmentWan: 500, spaceAmount: 800, spaceUnit: 'm2', daysAgo: 102,
    message: '需要 800 平方米左右的办公空间，作为区域客服中心。',
    steps: [
      { afterDays: 1, status: 'contacted', note: '推荐了 3 处写字楼。' },
      { afterDays: 12, status: 'site_visit', note: '已看房。' },
      { afterDays: 20, status: 'closed', note: '企业选择了市中心写字楼，关闭。' },
    ],
  },
  {
    park: 'DZLG', site: 'land', lang: 'zh', company: '渝川冷链物流有限公司（示例）', contactPerson: '周总', phone: '13800000106',
    industry: '冷链物流', investmentWan: 40000, spaceAmount: 150, spaceUnit: 'mu', daysAgo: 96,
    message: '计划建设冷链分拨中心，需靠近铁路货场的物流用地约 150 亩。',
    steps: [
      { afterDays: 3, status: 'contacted', note: '介绍公铁联运分拨中心项目。' },
      { afterDays: 40, status: 'closed', note: '企业最终选址重庆，关闭。' },
    ],
  },
  {
    park: 'QXKF', site: 'land', lang: 'zh', company: '渠县黄花食品科技有限公司（示例）', contactPerson: '李总', phone: '13800000107',
    industry: '黄花农产品加工', investmentWan: 15000, spaceAmount: 60, spaceUnit: 'mu', daysAgo: 77,
    message: '扩建黄花干制和速冻生产线，需用地约 60 亩，希望靠近冷链物流园。',
    steps: [
      { afterDays: 0, status: 'contacted', note: '已联系，发送黄花精深加工产业园项目资料。' },
      { afterDays: 18, status: 'site_visit', note: '现场考察两块地。' },
    ],
  },
  {
    park: 'DAZH', site: 'factory', lang: 'zh', company: '大竹苎麻纺织有限公司（示例）', contactPerson: '黄经理', phone: '13800000108',
    industry: '苎麻纺织', investmentWan: 6000, spaceAmount: 6000, spaceUnit: 'm2', daysAgo: 63,
    message: '需要标准厂房 6000 平方米，用于苎麻纺纱，需 10 kV 供电。',
    steps: [{ afterDays: 2, status: 'contacted', note: '已电话沟通用电需求。' }],
  },
  {
    park: 'DZJK', site: 'factory', pick: 1, lang: 'en', company: 'Rhein Precision Components GmbH (demo)', contactPerson: 'Anna Keller', email: 'anna.keller@example.com',
    industry: '装备制造', investmentWan: 20000, spaceAmount: 8000, spaceUnit: 'm2', daysAgo: 56,
    message: 'We are looking for about 8,000 m² of standard factory space for precision machining in western China, with a crane of 10 t.',
    steps: [
      { afterDays: 1, status: 'contacted', note: 'Replied in English with the park brochure; video call held.' },
      { afterDays: 30, status: 'site_visit', note: '外方代表现场考察，需提供行车参数。' },
    ],
  },
  {
    park: 'QXKF', site: 'factory', lang: 'en', company: 'Golden Lily Foods Ltd (demo)', contactPerson: 'David Wong', email: 'david.wong@example.com',
    industry: '食品饮料', investmentWan: 5000, spaceAmount: 3000, spaceUnit: 'm2', daysAgo: 49,
    message: 'Interested in a food-grade standard factory of about 3,000 m² for daylily drinks; please send rent terms.',
    steps: [
      { afterDays: 1, status: 'contacted', note: 'Rent terms sent.' },
      { afterDays: 9, status: 'site_visit', note: '现场看厂房。' },
      { afterDays: 26, status: 'signed', note: '签订租赁协议。' },
    ],
  },
  {
    park: 'DZGX', site: 'office', lang: 'en', company: 'Sino-Euro Software Services (demo)', contactPerson: 'Mark Taylor', email: 'mark.taylor@example.com',
    industry: '电子信息', investmentWan: 800, spaceAmount: 1000, spaceUnit: 'm2', daysAgo: 41,
    message: 'We need about 1,000 m² of offices for a software delivery centre of 80 people.',
    steps: [{ afterDays: 3, status: 'contacted', note: 'Call scheduled with the Hi-tech Zone investment office.' }],
  },
  {
    park: 'DZLG', site: 'office', pick: 1, lang: 'zh', company: '秦巴供应链管理有限公司（示例）', contactPerson: '吴经理', phone: '13800000112',
    industry: '现代物流', investmentWan: 300, spaceAmount: 500, spaceUnit: 'm2', daysAgo: 33,
    message: '需在陆港附近租用办公室约 500 平方米。',
    steps: [],
  },
  {
    park: 'KJKF', site: 'factory', lang: 'zh', company: '开江机械制造有限公司（示例）', contactPerson: '郑总', phone: '13800000113',
    industry: '机械制造', investmentWan: 10000, spaceAmount: 20, spaceUnit: 'mu', daysAgo: 24,
    message: '想了解开江经开区标准厂房的价格和交付时间。',
    steps: [{ afterDays: 1, status: 'contacted', note: '已发送价格表。' }],
  },
  {
    park: 'DZGX', lang: 'zh', company: '成都康源生物医药有限公司（示例）', contactPerson: '冯博士', phone: '13800000114',
    industry: '生物医药', investmentWan: 50000, spaceAmount: 100, spaceUnit: 'mu', daysAgo: 15,
    message: '拟建设生物医药研发和中试基地，需用地约 100 亩，请介绍园区配套。',
    steps: [],
  },
  {
    park: 'QXKF', site: 'factory', pick: 1, lang: 'zh', company: '川味调味品有限公司（示例）', contactPerson: '何先生', phone: '13800000115',
    industry: '食品饮料', investmentWan: 3000, spaceAmount: 5, spaceUnit: 'mu', daysAgo: 8,
    message: '需要一栋单层标准厂房做调味品灌装，能否本月看厂？',
    steps: [],
  },
  {
    park: 'DZJK', site: 'factory', lang: 'zh', company: '达州新能源汽车零部件有限公司（示例）', contactPerson: '邓经理', phone: '13800000116',
    industry: '新能源汽车零部件', investmentWan: 20000, spaceAmount: 15000, spaceUnit: 'm2', daysAgo: 3,
    message: '计划生产电池托盘，需厂房 1.5 万平方米。',
    steps: [],
  },
];

const DAY_MS = 86_400_000;

/** `daysAgo` days before `now`, at a working hour in China (09:00–17:00, UTC+8) that varies by `i`. */
function receivedAt(now: Date, daysAgo: number, i: number): Date {
  const day = new Date(now.getTime() - daysAgo * DAY_MS);
  const minutes = 60 + ((i * 97) % 480); // 01:00–09:00 UTC = 09:00–17:00 China time
  return new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate()) + minutes * 60_000);
}

/** Seed the demo enquiries when the demo data was loaded and they were not yet; returns how many, or null. */
export async function seedDemoEnquiries(pool: pg.Pool, now = new Date()): Promise<{ enquiries: number } | null> {
  const state = (await pool.query(Q.demoState, [DEMO_ENQUIRY_CLIENT])).rows[0];
  if (!state.demo_seeded || state.enquiries_seeded) return null;
  const adminRow = (await pool.query(Q.firstAdmin)).rows[0];
  if (!adminRow) return null; // no admin to answer them (the server always creates one first)
  const officer: SessionUser = { id: Number(adminRow.id), username: adminRow.username, displayName: adminRow.display_name, role: 'admin' };
  const service = new EnquiriesService(new EnquiriesRepository(pool));
  let n = 0;
  for (const [i, e] of DEMO_ENQUIRIES.entries()) {
    const target = (await pool.query(Q.target, [e.park, e.site ?? null, e.pick ?? 0])).rows[0];
    // A database seeded before this step (it runs at the next start) may have withdrawn a park since: skip it.
    if (!target) continue;
    const input = parseEnquiryInput({
      company: e.company, contactPerson: e.contactPerson, phone: e.phone, email: e.email, industry: e.industry,
      investmentWan: e.investmentWan, spaceKind: e.site ?? 'land', spaceAmount: e.spaceAmount, spaceUnit: e.spaceUnit,
      message: e.message, parkId: Number(target.park_id), carrierId: target.carrier_id === null ? undefined : Number(target.carrier_id), lang: e.lang,
    }, e.lang);
    const { reference } = await service.submit(input, DEMO_ENQUIRY_CLIENT);
    const id = Number((await pool.query(Q.idOf, [reference])).rows[0].id);
    const eventCount = async () => Number((await pool.query(Q.eventCount, [id])).rows[0].n);
    const received = receivedAt(now, e.daysAgo, i);
    const eventTimes: Date[] = [];
    let at = received.getTime();
    for (const [j, step] of e.steps.entries()) {
      // The first handling assigns the enquiry to the officer (one event), then the step (status, note: one event each).
      if (j === 0) {
        await service.update(id, { assignedTo: officer.id }, officer);
        const assigned = new Date(at + 2 * 3600_000);
        for (let k = await eventCount(); eventTimes.length < k;) eventTimes.push(assigned);
      }
      at = Math.min(at + step.afterDays * DAY_MS + 3 * 3600_000, now.getTime() - 3600_000);
      await service.update(id, { status: step.status, note: step.note }, officer);
      for (let k = await eventCount(); eventTimes.length < k;) eventTimes.push(new Date(at));
    }
    await pool.query(Q.backdate, [id, received.toISOString(), eventTimes.map((d) => d.toISOString())]);
    n++;
  }
  await pool.query(Q.markSeeded, [JSON.stringify({ enquiries: n, at: now.toISOString() })]);
  return { enquiries: n };
}
