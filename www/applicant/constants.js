// Option lists and wording of the applicant portal. The server checks every value again
// (cgi-bin/applicant/); these only label what the browser shows.

export const EDUCATIONS = ['博士研究生', '硕士研究生', '大学本科', '大学专科', '中专', '高中及以下']
export const DEGREES = ['博士', '硕士', '学士', '无']
// the engineering series', and a 中级 of another series (a 经济师's): 转（兼）评 rests on a 中级
export const TITLES = ['无', '技术员', '助理工程师', '工程师', '其他系列中级职称']
export const STAFFING = [
  { value: 'regular', label: '在编' },
  { value: 'non_staff', label: '非在编' },
  { value: 'leave_startup', label: '离岗创业' },
  { value: 'none', label: '非事业单位人员' },
]
export const CUSTODY = [
  { value: 'unit', label: '现工作单位' },
  { value: 'talent_centre', label: '人才交流中心' },
]

export const ETHNICITIES = (
  '汉族 蒙古族 回族 藏族 维吾尔族 苗族 彝族 壮族 布依族 朝鲜族 满族 侗族 瑶族 白族 土家族 哈尼族 哈萨克族 ' +
  '傣族 黎族 傈僳族 佤族 畲族 高山族 拉祜族 水族 东乡族 纳西族 景颇族 柯尔克孜族 土族 达斡尔族 仫佬族 羌族 ' +
  '布朗族 撒拉族 毛南族 仡佬族 锡伯族 阿昌族 普米族 塔吉克族 怒族 乌孜别克族 俄罗斯族 鄂温克族 德昂族 保安族 ' +
  '裕固族 京族 塔塔尔族 独龙族 鄂伦春族 赫哲族 门巴族 珞巴族 基诺族'
).split(' ')

export const ARCHIVE_STATUS = {
  pending: { label: '待审核', type: 'warning' },
  approved: { label: '已通过', type: 'success' },
  rejected: { label: '未通过', type: 'danger' },
}

// 申报类型, with the notice's definitions.
export const CATEGORIES = [
  {
    value: 'planning',
    label: '规划与设计类',
    help: '从事建设工程规划、设计、咨询、勘察、测绘、施工图审查等工作的专业技术人员。',
  },
  {
    value: 'construction',
    label: '施工与监理类',
    help:
      '从事房屋建筑工程施工与管理、市政基础设施工程施工与管理、园林绿化工程施工与管理、工程监理、项目管理、' +
      '工程检测、质量安全监督、混凝土及建筑构件部品生产、建筑机械、工程造价等工作的专业技术人员。',
  },
  {
    value: 'management',
    label: '技术管理类',
    help: '从事科技管理、标准管理、政策管理、造价管理、运行管理、建设单位项目管理、白蚁防治和招标代理等工作的专业技术人员。',
  },
]

// 申报方式 (notice §二.3), each with the label the plan's form uses.
export const METHODS = [
  {
    value: 'normal',
    label: '正常申报',
    plan: '正常申报',
    help: '具备规定学历，取得并被聘任建设工程类助理工程师满 4 年以上的申报人员。',
    juniorHelp: '具备初级（助理工程师）申报条件的申报人员。',
  },
  {
    value: 'self',
    label: '“自评与推荐”申报',
    plan: '自评分申报',
    help:
      '不具备规定学历或资历的，需上传《建设工程专业技术职务任职资格自评表与推荐表》，自评分须达到 117 分以上，' +
      '并由 2 名具有本专业或相近专业在职高级工程师推荐；表中“申报专业”应与“现从事专业”一致。',
  },
  {
    value: 'transfer',
    label: '“转（兼）评”申报',
    midOnly: true, // 参评另一专业的中级
    plan: '转（兼）评',
    help:
      '已取得某专业的中级专业技术职务任职资格，根据岗位变动或工作需要参评另一专业中级资格的，需写明已取得的' +
      '中级专业技术职务任职资格情况，并上传资格证书。',
  },
  {
    value: 'abc',
    label: '直接（ABC类）申报',
    midOnly: true, // 错过参评初级但符合申报中级
    plan: '破格申报',
    help:
      '面向建设类非公企业（不含事业单位、国企）长期从事建设行业的有较大贡献的专业技术骨干、企业负责人及错过参评' +
      '初级但符合申报中级条件的从业人员；需上传《直接ABC类申报审批表》及佐证材料。',
  },
  {
    value: 'qualification',
    label: '职（执）业资格申报',
    plan: '正常申报',
    help: '用一级、二级建造师及其他注册职（执）业资格申报的，需上传相应职（执）业资格证书及聘书材料。',
  },
  {
    value: 'skill',
    label: '技能人才申报',
    plan: '技能人才申报',
    help: '根据《关于进一步加强高技能人才与专业技术人才职业发展贯通的实施办法》（浙人社发〔2022〕77号）申报的。',
  },
]

// the ways of applying that a plan of this level offers, each with the conditions of that level
export function methodsFor(level) {
  if (level === 'mid') return METHODS
  return METHODS.filter((m) => !m.midOnly).map((m) => (m.juniorHelp ? { ...m, help: m.juniorHelp } : m))
}

export function methodOf(value) {
  return METHODS.find((m) => m.value === value) || null
}
export function categoryOf(value) {
  return CATEGORIES.find((c) => c.value === value) || null
}

export const WIZARD_STEPS = ['证件照', '个人承诺', '填写申报信息', '选择相关业绩', '上传对应模块佐证材料', '上传相关附件', '预览确认提交']

export const PHOTO_RULES =
  '白底证件照，JPG 或 JPEG 格式，文件大于 30K 且小于 1M，大于 215*300（宽*高）像素，照片宽高比大于等于 0.65 且小于等于 0.8。'

// Characters as the server counts them in short fields (code points, not UTF-16 units or bytes).
export function charCount(s) {
  return [...String(s || '')].length
}

// 字 as the server counts 本人述职 (lib/valid.c utf8_words): characters as a reader sees them
// (extended grapheme clusters, ICU, the library behind Intl.Segmenter: é written e + U+0301,
// 👨‍👩‍👧 and 🇨🇳 each count once), not the line breaks between paragraphs, nor what ends the text
// unseen (a last line break, spaces: the server drops them).
const graphemes = typeof Intl !== 'undefined' && Intl.Segmenter ? new Intl.Segmenter('zh-CN', { granularity: 'grapheme' }) : null
const BREAKS = new Set(['\n', '\r', '\r\n'])
export function graphemeCount(s) {
  const t = String(s || '').replace(/[\s\u200B\u2060\uFEFF]+$/u, '')
  if (!graphemes) return charCount(t.replace(/\r\n|\n|\r/g, ''))
  let n = 0
  for (const g of graphemes.segment(t)) if (!BREAKS.has(g.segment)) n++
  return n
}
