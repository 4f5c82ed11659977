/**
 * Demo policies and featured projects (招商政策, 对外推介项目): a few invented but plausible entries
 * for Dazhou's parks, written by the same `PoliciesService` staff use and published as a reviewer
 * would. Validity windows are set around the day of seeding, so the demo stays current. Not
 * official text: the figures are illustrative.
 */
import type pg from 'pg';
import { loadQueries } from '../../core/db/sql.ts';
import type { AssetStore } from '../../assets/storage.ts';
import type { Viewer } from '../auth/roles.ts';
import { PoliciesRepository } from '../policies/policies.repository.ts';
import { chinaDay, PoliciesService, type PolicyInput } from '../policies/policies.service.ts';

const Q = loadQueries(import.meta.url, 'demo-policies.sql', ['demoState', 'parksByCode', 'markSeeded'] as const);

/** A demo entry: the policy input with parks named by code and validity in days around the seeding day. */
interface DemoPolicy extends Omit<PolicyInput, 'parkIds' | 'validFrom' | 'validTo'> {
  parks?: string[];
  /** Days from the seeding day (negative: in the past); absent: open. */
  fromDays?: number;
  toDays?: number;
  /** Left as a draft (staff see it; the public does not). */
  draft?: boolean;
}

/** The demo entries. */
export const DEMO_POLICIES: readonly DemoPolicy[] = [
  {
    kind: 'policy', fromDays: -400, toDays: 760,
    title: { zh: '达州市工业用地“标准地”出让若干措施', en: 'Dazhou measures for "standard land" industrial plots' },
    body: {
      zh: '## 适用对象\n\n在全市各产业园区新上的工业项目。\n\n## 主要内容\n\n- 工业用地按**“标准地”**方式出让，出让前完成区域评估，投资强度、亩均税收等指标随地块公开；\n- 出让底价按所在地工业用地最低价标准执行，可**分期缴纳**土地出让金（首期不低于 50%，余款 1 年内付清）；\n- 签约即可开展设计，**“拿地即开工”**，审批时限压缩至 30 个工作日以内。\n\n> 以上为演示数据，具体以正式文件为准。',
      en: '## Who it is for\n\nNew industrial projects in any of the city\'s industrial parks.\n\n## What it offers\n\n- Industrial land is sold as **"standard land"**: regional assessments are done beforehand, and investment-intensity and tax-per-mu targets are published with each plot;\n- The reserve price follows the local minimum price for industrial land, and the land premium may be **paid in instalments** (at least 50% up front, the rest within one year);\n- Design work can start at signing (**"start building on the day you get the land"**), with approvals completed within 30 working days.\n\n> Demo data: the official documents prevail.',
    },
  },
  {
    kind: 'policy', parks: ['DZGX'], fromDays: -200, toDays: 900,
    title: { zh: '高新区电子信息产业标准厂房租金减免办法', en: 'Hi-tech Zone rent relief for electronics firms in standard factories' },
    industries: ['电子信息'],
    body: {
      zh: '电子信息企业租用高新区标准厂房的：\n\n1. 前 **2 年**免收租金，第 3 年租金减半；\n2. 年产值首次超过 1 亿元的，再给予一次性奖励 **50 万元**；\n3. 厂房装修可按实际投入的 20% 给予补助，最高 100 万元。\n\n咨询电话：[0818-2345678](tel:0818-2345678)',
      en: 'Electronics firms renting a standard factory in the Hi-tech Zone:\n\n1. pay **no rent for 2 years** and half rent in the third year;\n2. receive a one-off award of **CNY 500,000** when annual output first exceeds CNY 100 million;\n3. may claim 20% of their fit-out cost, up to CNY 1 million.\n\nEnquiries: [0818-2345678](tel:0818-2345678)',
    },
  },
  {
    kind: 'policy', counties: ['511722'], industries: ['天然气化工', '锂钾综合开发'], fromDays: -100, toDays: 1000,
    title: { zh: '天然气化工与锂钾产业用气用电保障措施', en: 'Gas and power supply terms for natural-gas chemicals and lithium-potassium projects' },
    body: {
      zh: '对在宣汉县及相关园区落地的天然气化工、锂钾综合开发项目：\n\n- 工业用气执行**直供气价**，由供气企业与项目单位协商确定；\n- 新建 110 kV 及以上专用变电站的，按投资额给予 **10%** 补助；\n- 项目用水优先保障，配套管网由园区建设到红线。',
      en: '',
    },
  },
  {
    kind: 'project', parks: ['QXKF'], fromDays: -60, toDays: 500,
    title: { zh: '渠县黄花精深加工产业园招商项目', en: 'Qu County daylily deep-processing park (investment project)' },
    industries: ['黄花农产品加工', '食品饮料'],
    body: {
      zh: '**项目概况：** 依托渠县黄花种植基地，建设黄花干制、速冻、饮品及功能食品生产线和冷链仓储中心。\n\n- 拟用地：约 **120 亩**（可分期）\n- 总投资：约 **5 亿元**\n- 合作方式：独资、合资均可\n\n园区提供标准厂房过渡使用，冷链物流园紧邻。',
      en: '**The project:** drying, quick-freezing, drinks and functional-food lines and a cold-chain store, supplied by Qu County\'s daylily farms.\n\n- Land: about **120 mu** (can be phased)\n- Investment: about **CNY 500 million**\n- Terms: wholly owned or joint venture\n\nStandard factories are available in the meantime; the cold-chain logistics park is next door.',
    },
  },
  {
    kind: 'project', parks: ['DZLG'], toDays: 700,
    title: { zh: '秦巴物流园区公铁联运分拨中心', en: 'Qinba road-rail intermodal distribution centre' },
    industries: ['公铁联运', '现代物流'],
    body: {
      zh: '在达州国际陆港建设公铁联运分拨中心及配套仓储，服务川东北、渝东北、陕南货物集散。\n\n- 拟用地约 **200 亩**，紧邻铁路货场\n- 总投资约 **8 亿元**',
      en: 'A road-rail distribution centre with warehousing at the Dazhou International Inland Port, serving north-east Sichuan, north-east Chongqing and southern Shaanxi.\n\n- About **200 mu** next to the rail freight yard\n- About **CNY 800 million** of investment',
    },
  },
  {
    kind: 'policy', parks: ['DZJK'], draft: true,
    title: { zh: '经开区新材料中试基地入驻扶持（征求意见稿）', en: 'Support for the Economic Zone pilot-scale new-materials base (draft)' },
    body: { zh: '草稿：尚在征求意见，未发布。', en: 'Draft under consultation; not published.' },
  },
];

const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/** Seed the demo entries when the demo data was loaded and they were not yet; returns how many, or null. */
export async function seedDemoPolicies(pool: pg.Pool, store: AssetStore, now = new Date()): Promise<{ policies: number } | null> {
  const state = (await pool.query(Q.demoState)).rows[0];
  if (!state.demo_seeded || state.policies_seeded) return null;
  const codes = [...new Set(DEMO_POLICIES.flatMap((p) => p.parks ?? []))];
  const parkIds = new Map((await pool.query(Q.parksByCode, [codes])).rows.map((r) => [r.code as string, Number(r.id)]));
  const service = new PoliciesService(new PoliciesRepository(pool), store, () => now);
  // The demo writes as an admin would (no account: created_by stays empty).
  const admin: Viewer = { user: null, role: 'admin' };
  const today = chinaDay(now);
  let n = 0;
  for (const p of DEMO_POLICIES) {
    const { parks, fromDays, toDays, draft, ...input } = p;
    const created = await service.create(admin, {
      ...input,
      parkIds: (parks ?? []).map((c) => parkIds.get(c)).filter((id): id is number => id !== undefined),
      validFrom: fromDays === undefined ? null : addDays(today, fromDays),
      validTo: toDays === undefined ? null : addDays(today, toDays),
    });
    if (!draft) await service.review(admin, created.id, 'published');
    n++;
  }
  await pool.query(Q.markSeeded, [JSON.stringify({ policies: n, at: now.toISOString() })]);
  return { policies: n };
}
