// 业绩档案 (performance archive): the applicant's own labels of the generic fields of each kind
// of item, shared by the applicant's pages (archive, wizard) and the reviewers' detail page, so
// both read a project's org as "建设单位" and a paper's as "刊物名称". The kinds' names are the
// server's too (GET reference: archive_kinds).
// A field left out is not asked for.
//   title date role org number level description (+ collective for projects)
export const ARCHIVE_KINDS = [
  {
    value: 'project',
    label: '工程项目',
    fields: {
      title: { label: '项目名称', placeholder: '如：金华市某某小区二期工程' },
      role: { label: '本人角色', placeholder: '如：项目技术负责人' },
      org: { label: '建设单位' },
      number: { label: '项目编号', placeholder: '施工许可证号或合同编号' },
      level: { label: '规模等级', options: ['大型', '中型', '小型'] },
      date: { label: '竣工（完成）时间' },
      description: { label: '本人主要工作' },
    },
    collective: true,
  },
  {
    value: 'paper',
    label: '论文',
    fields: {
      title: { label: '论文题目' },
      role: { label: '作者排序', options: ['独著', '第一作者', '第二作者', '第三作者', '其他'] },
      org: { label: '刊物名称' },
      number: { label: '刊号', placeholder: 'ISSN / CN 号' },
      level: { label: '级别', options: ['国家级', '省级', '市级', '中文核心', '其他'] },
      date: { label: '发表时间' },
      description: { label: '说明' },
    },
  },
  {
    value: 'award',
    label: '获奖',
    fields: {
      title: { label: '获奖项目名称' },
      role: { label: '本人排名', placeholder: '如：第 2 名' },
      org: { label: '授奖单位' },
      number: { label: '证书编号' },
      level: { label: '奖项等级', placeholder: '如：省级二等奖' },
      date: { label: '获奖时间' },
      description: { label: '说明' },
    },
  },
  {
    value: 'patent',
    label: '专利',
    fields: {
      title: { label: '专利名称' },
      role: { label: '发明人排序', placeholder: '如：第一发明人' },
      org: { label: '专利权人' },
      number: { label: '专利号' },
      level: { label: '专利类型', options: ['发明专利', '实用新型', '外观设计'] },
      date: { label: '授权时间' },
      description: { label: '说明' },
    },
  },
  {
    value: 'standard',
    label: '标准规范',
    fields: {
      title: { label: '标准名称' },
      role: { label: '本人排名', placeholder: '如：主要起草人' },
      org: { label: '发布单位' },
      number: { label: '标准编号' },
      level: { label: '标准级别', options: ['国家标准', '行业标准', '地方标准', '团体标准', '企业标准'] },
      date: { label: '发布时间' },
      description: { label: '说明' },
    },
  },
  {
    value: 'report',
    label: '技术报告',
    fields: {
      title: { label: '报告名称' },
      role: { label: '本人角色', placeholder: '如：主要编写人' },
      org: { label: '所属项目或单位' },
      number: { label: '报告编号' },
      level: { label: '采纳（应用）情况' },
      date: { label: '完成时间' },
      description: { label: '主要内容' },
    },
  },
  {
    value: 'education',
    label: '继续教育学时',
    fields: {
      title: { label: '培训名称' },
      role: { label: '科目类型', options: ['专业科目', '公需科目'] },
      org: { label: '主办单位' },
      number: { label: '学时', placeholder: '如：24', inputmode: 'numeric' },
      date: { label: '培训时间' },
      description: { label: '说明' },
    },
  },
  {
    value: 'appraisal',
    label: '年度考核',
    fields: {
      title: { label: '年度', placeholder: '如：2022年度' },
      org: { label: '考核单位' },
      level: { label: '考核结果', options: ['优秀', '合格', '基本合格', '不合格'] },
      date: { label: '考核时间' },
      description: { label: '说明' },
    },
  },
]

export function archiveKind(value) {
  return ARCHIVE_KINDS.find((k) => k.value === value) || { value, label: value || '—', fields: {} }
}
