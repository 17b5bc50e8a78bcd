import { Bell, Calendar, Document, Files, HomeFilled, Setting, User } from '@element-plus/icons-vue'
import { createPortal } from '../common/app.js'
import { api, seg } from '../common/api.js'
import { contactText } from '../common/reference.js'
const Register = () => import('./Register.vue')

// Pages are loaded when first opened (same-origin module chunks, fine under the CSP).
const Profile = () => import('./Profile.vue')
const Archive = () => import('./Archive.vue')
const Plans = () => import('./Plans.vue')
const PlanDetail = () => import('./PlanDetail.vue')
const Applications = () => import('./Applications.vue')
const Wizard = () => import('./Wizard.vue')
const Progress = () => import('./Progress.vue')
const Messages = () => import('./Messages.vue')
const Sign = () => import('./Sign.vue')
// what was submitted, read-only: the reviewers' detail page without their tools
const ApplicationView = () => import('../common/ReviewDetail.vue')

createPortal({
  role: 'applicant',
  title: '申报人员',
  menu: [
    { label: '首页', path: '/', icon: HomeFilled },
    { label: '个人基本信息', path: '/profile', icon: User },
    { label: '我的业绩档案', path: '/archive', icon: Files },
    { label: '评审工作计划', path: '/plans', icon: Calendar },
    { label: '我的申报', path: '/applications', icon: Document },
    { label: '消息', path: '/messages', icon: Bell },
    { label: '账号设置', path: '/account', icon: Setting },
  ],
  // 首页: what the applicant's applications wait for from them, and how one ended lately (a 不通过,
  // a certificate: for 30 days)
  async notices() {
    const { items } = await api.get('applications')
    const out = []
    for (const a of items || []) {
      const plan = `“${a.plan}”`
      if (a.state === 'returned')
        out.push({
          type: 'error',
          // the reason's own closing 。 is the sentence's (never 。。)
          text: `您的申报${plan}被退回修改${a.return_reason ? `：${a.return_reason.replace(/[。．.\s]+$/u, '')}` : ''}。请修改后重新提交。`,
          to: `/applications/${seg(a.id)}/wizard`,
          link: '修改申报',
        })
      else if (a.state === 'draft' && a.plan_open)
        out.push({
          type: 'warning',
          text: `您的申报${plan}尚未提交，申报截止日期为 ${a.closes_on}。`,
          to: `/applications/${seg(a.id)}/wizard`,
          link: '继续填写',
        })
      else if (a.state === 'rejected' && a.decided_recently)
        out.push({
          type: 'error',
          text: `您的申报${plan}未通过${a.reject_reason ? `，理由：${a.reject_reason.replace(/[。．.\s]+$/u, '')}` : ''}。`,
          to: `/applications/${seg(a.id)}`,
          link: '查看详情',
        })
      else if (a.certificate_issued)
        out.push({
          type: 'success',
          text: `您的申报${plan}已评审通过，证书已发放（证书编号 ${a.certificate_issued}），可在线查看并打印。`,
          to: `/applications/${seg(a.id)}`,
          link: '查看证书',
        })
      else if (a.fee_due > 0 && a.fee_closed_on)
        out.push({
          type: 'error',
          text: `您的申报${plan}的缴费截止日期（${a.fee_closed_on}）已过，无法在线缴费，请联系${contactText(a.holder, a.holder_phone, '审核部门')}。`,
          to: `/applications/${seg(a.id)}`,
          link: '查看申报进度',
        })
      else if (a.fee_due > 0)
        out.push({
          type: 'warning',
          text: `您的申报${plan}已报送至${a.holder || '审核部门'}，请缴纳推荐评审费 ${a.fee_due} 元。`,
          to: `/applications/${seg(a.id)}`,
          link: '前往缴费',
        })
    }
    return out
  },
  routes: [
    { path: '/register', name: 'register', component: Register, meta: { public: true, title: '注册' } },
    // Reached from a QR code on a phone: no login needed (the one-time token in the URL is the
    // proof; the server checks it).
    { path: '/sign/:token', name: 'sign', component: Sign, meta: { public: true, bare: true, title: '签署个人承诺' } },
    { path: '/profile', name: 'profile', component: Profile, meta: { title: '个人基本信息' } },
    { path: '/archive', name: 'archive', component: Archive, meta: { title: '我的业绩档案' } },
    { path: '/plans', name: 'plans', component: Plans, meta: { title: '评审工作计划' } },
    { path: '/plans/:id', name: 'plan', component: PlanDetail, meta: { title: '评审工作计划', menu: '/plans' } },
    { path: '/applications', name: 'applications', component: Applications, meta: { title: '我的申报' } },
    { path: '/applications/:id', name: 'progress', component: Progress, meta: { title: '申报进度', menu: '/applications' } },
    {
      path: '/applications/:id/view',
      name: 'application-view',
      component: ApplicationView,
      props: { readonly: true },
      meta: { title: '申报材料', menu: '/applications' },
    },
    { path: '/applications/:id/wizard', name: 'wizard', component: Wizard, meta: { title: '职称评审申报', menu: '/applications' } },
    { path: '/messages', name: 'messages', component: Messages, meta: { title: '消息' } },
  ],
})
