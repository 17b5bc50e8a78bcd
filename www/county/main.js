import { Calendar, HomeFilled, Money, Setting } from '@element-plus/icons-vue'
import { createPortal } from '../common/app.js'
import { holdsGate } from '../common/reference.js'
import { reviewRoutes, worklistMenu, worklistNotices } from '../common/worklist-route.js'
import { statsMenu, statsRoutes } from '../common/stats-route.js'
import { committeeMenu, committeeRoutes } from '../common/committee-route.js'

const Fees = () => import('../common/Fees.vue')
const Interviews = () => import('../common/Interviews.vue')

createPortal({
  role: 'county',
  title: '县（市、区）主管部门',
  menu: [
    { label: '首页', path: '/', icon: HomeFilled },
    worklistMenu('职称评审资格审查'),
    { label: '收费设定', path: '/fees', icon: Money, show: (s) => holdsGate(s, 'fee') },
    { label: '评前面试', path: '/interviews', icon: Calendar, show: (s) => holdsGate(s, 'interview') },
    ...committeeMenu(),
    statsMenu(),
    { label: '账号设置', path: '/account', icon: Setting },
  ],
  notices: worklistNotices,
  routes: [
    ...reviewRoutes('职称评审资格审查', { interviews: true }),
    { path: '/fees', name: 'fees', component: Fees, meta: { title: '收费设定' } },
    { path: '/interviews', name: 'interviews', component: Interviews, meta: { title: '评前面试' } },
    ...statsRoutes(),
    ...committeeRoutes(),
  ],
})
