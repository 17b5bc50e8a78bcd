import { Calendar, HomeFilled, Promotion, Setting, Stamp } from '@element-plus/icons-vue'
import { createPortal } from '../common/app.js'
import { holdsGate } from '../common/reference.js'
import { reviewRoutes, worklistMenu, worklistNotices } from '../common/worklist-route.js'
import { statsMenu, statsRoutes } from '../common/stats-route.js'

const Interviews = () => import('../common/Interviews.vue')
const Publicity = () => import('../common/Publicity.vue')
const Documents = () => import('../common/Documents.vue')

// 资格复审并公示 (the city bureau) and 公布初定结果 (the 中级初定 chain)
const PUBLICITY = {
  title: '公示管理',
  intro:
    '资格复审通过的人员及初定结果按规定公示不少于 {days} 个工作日（节假日不计），在此登记公示开始日期；公示期满、异议处理完毕后点击“公示期满通过”，进入下一环节。',
  arrivedLabel: '到达本环节',
  passLabel: '公示期满通过',
  passText: '经公示无异议，同意通过。',
}
// 面试范围的评审对象根据通知参加面试
const INTERVIEWS = {
  title: '面试安排',
  intro:
    '面试范围的评审对象根据通知参加面试：由本部门按通知确定面试范围，新建面试场次，将列入面试范围的申报人安排到场次（申报人收到短信通知），面试后登记结果。未安排面试的申报可直接在资格复审中办理；已安排的须面试通过方可通过，不通过或缺席的，申报终止于本环节。',
}

createPortal({
  role: 'hrb',
  title: '人力社保局',
  menu: [
    { label: '首页', path: '/', icon: HomeFilled },
    worklistMenu('职称评审资格审查'),
    { label: '公示管理', path: '/publicity', icon: Promotion, show: (s) => holdsGate(s, 'publicity') },
    { label: '面试安排', path: '/interviews', icon: Calendar, show: (s) => holdsGate(s, 'interview', 'interview_if_called') },
    { label: '制发文件', path: '/documents', icon: Stamp, show: (s) => holdsGate(s, 'document') },
    statsMenu(),
    { label: '账号设置', path: '/account', icon: Setting },
  ],
  notices: worklistNotices,
  routes: [
    ...reviewRoutes('职称评审资格审查', { interviews: true }),
    { path: '/publicity', name: 'publicity', component: Publicity, props: PUBLICITY, meta: { title: '公示管理' } },
    { path: '/interviews', name: 'interviews', component: Interviews, props: INTERVIEWS, meta: { title: '面试安排' } },
    { path: '/documents', name: 'documents', component: Documents, meta: { title: '制发文件' } },
    ...statsRoutes(),
  ],
})
