import { Calendar, HomeFilled, Money, Promotion, Setting, Stamp } from '@element-plus/icons-vue'
import { createPortal } from '../common/app.js'
import { heldGateSteps, holdsGate } from '../common/reference.js'
import { session } from '../common/session.js'
import { reviewRoutes, worklistMenu, worklistNotices } from '../common/worklist-route.js'
import { statsMenu, statsRoutes } from '../common/stats-route.js'
import { committeeMenu, committeeRoutes } from '../common/committee-route.js'

const Fees = () => import('../common/Fees.vue')
const Publicity = () => import('../common/Publicity.vue')
const Documents = () => import('../common/Documents.vue')
const Interviews = () => import('../common/Interviews.vue')

// 公布评审结果 / 公布初定结果: the results publicity of the city's steps, named by what this
// department publicises: 市住建局 the 初定 results of its 局属 units, a committee's office the
// 评审 results (the clerks' walk: 市住建局 read 评审结果公示 and 评审通过 for its 初定)
function resultsWord(s) {
  const steps = heldGateSteps(s, 'publicity')
  const assess = steps.some((n) => n.includes('初定'))
  const review = steps.some((n) => !n.includes('初定'))
  return assess && !review ? '初定' : assess ? '评审（初定）' : '评审'
}
const results = () => {
  const word = resultsWord(session)
  return {
    title: `${word}结果公示`,
    intro:
      `${word}通过的人员名单公示不少于 {days} 个工作日（节假日不计），在此登记公示开始日期；公示期满无异议后点击“确认结果”进入制发文件；异议经核实成立的，在申报详情中办理“不通过”。`,
    arrivedLabel: `${word}通过`,
    passLabel: '确认结果',
    passText: `经公示无异议，确认${word}结果。`,
  }
}

createPortal({
  role: 'city',
  title: '市级主管部门',
  menu: [
    { label: '首页', path: '/', icon: HomeFilled },
    worklistMenu('职称评审资格审查'),
    statsMenu(),
    { label: '收费设定', path: '/fees', icon: Money, show: (s) => holdsGate(s, 'fee') },
    { label: '评前面试', path: '/interviews', icon: Calendar, show: (s) => holdsGate(s, 'interview') },
    ...committeeMenu(),
    { label: '评审结果公示', labelFor: (s) => `${resultsWord(s)}结果公示`, path: '/publicity', icon: Promotion, show: (s) => holdsGate(s, 'publicity') },
    { label: '制发文件', path: '/documents', icon: Stamp, show: (s) => holdsGate(s, 'document') },
    { label: '账号设置', path: '/account', icon: Setting },
  ],
  notices: worklistNotices,
  routes: [
    ...reviewRoutes('职称评审资格审查', { interviews: true }),
    { path: '/fees', name: 'fees', component: Fees, meta: { title: '收费设定' } },
    { path: '/interviews', name: 'interviews', component: Interviews, meta: { title: '评前面试' } },
    { path: '/publicity', name: 'publicity', component: Publicity, props: results, meta: { title: '结果公示', titleFor: (s) => `${resultsWord(s)}结果公示` } },
    { path: '/documents', name: 'documents', component: Documents, meta: { title: '制发文件' } },
    ...statsRoutes(),
    ...committeeRoutes(),
  ],
})
