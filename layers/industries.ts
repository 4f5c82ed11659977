/**
 * English names of the industries parks and carriers name in Chinese (the demo's and the usual
 * Sichuan promotion vocabulary). A name without an entry is shown in Chinese, marked as such.
 */

/** zh → en. */
export const INDUSTRY_EN: Readonly<Record<string, string>> = {
  电子信息: 'Electronic information', 新材料: 'New materials', 智能制造: 'Intelligent manufacturing', 生物医药: 'Biomedicine',
  天然气化工: 'Natural-gas chemicals', 锂钾综合开发: 'Lithium & potassium processing', 装备制造: 'Equipment manufacturing',
  新能源汽车零部件: 'New-energy vehicle parts', 绿色建材: 'Green building materials', 现代物流: 'Modern logistics',
  硫化工: 'Sulphur chemicals', 锂钾新材料: 'Lithium & potassium materials', 清洁能源: 'Clean energy',
  苎麻纺织: 'Ramie textiles', 医药食品: 'Pharmaceuticals & food', 智能装备: 'Smart equipment',
  黄花农产品加工: 'Daylily & farm-produce processing', 食品饮料: 'Food & beverages', 纺织服装: 'Textiles & garments',
  食品加工: 'Food processing', 机械制造: 'Machinery', 新型建材: 'New building materials', 服装加工: 'Garment making',
  富硒茶加工: 'Selenium-rich tea processing', 富硒食品: 'Selenium-rich food', 中药材加工: 'Herbal medicine processing',
  公铁联运: 'Road-rail intermodal transport', 冷链物流: 'Cold-chain logistics', 商贸服务: 'Trade services',
  总部经济: 'Headquarters', 研发设计: 'R&D and design', 电子商务: 'E-commerce', 软件和信息服务: 'Software & IT services',
  金融服务: 'Financial services', 检验检测: 'Testing & certification', 人力资源服务: 'HR services',
  中试基地: 'Pilot-scale production', 仓储配送: 'Warehousing & distribution', 电商快递: 'E-commerce parcel delivery',
  商业配套: 'Commercial services', 酒店餐饮: 'Hotels & catering', 职工生活服务: 'Staff living services',
};

/** The industry's name in `lang` ("(中文)" appended when no English name is known). */
export function industryName(zh: string, lang: 'zh' | 'en'): string {
  if (lang === 'zh') return zh;
  return INDUSTRY_EN[zh] ?? zh;
}
