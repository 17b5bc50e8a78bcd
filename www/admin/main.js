import { Calendar, Clock, HomeFilled, Memo, OfficeBuilding, Search, Service, Setting, UserFilled } from '@element-plus/icons-vue'
import { createPortal } from '../common/app.js'
import { statsMenu, statsRoutes } from '../common/stats-route.js'
import { api } from '../common/api.js'

// Pages are loaded when first opened (same-origin module chunks, fine under the CSP).
const Registrations = () => import('./Registrations.vue')
const Departments = () => import('./Departments.vue')
const Accounts = () => import('./Accounts.vue')
const Plans = () => import('./Plans.vue')
const PlanEdit = () => import('./PlanEdit.vue')
const CalendarPage = () => import('./Calendar.vue')
const Audit = () => import('./Audit.vue')
const Support = () => import('./Support.vue')

createPortal({
  role: 'admin',
  title: '平台管理',
  menu: [
    { label: '首页', path: '/', icon: HomeFilled },
    { label: '单位注册审核', path: '/registrations', icon: OfficeBuilding },
    { label: '部门与账号', path: '/departments', icon: UserFilled },
    { label: '账号查询', path: '/accounts', icon: Search },
    { label: '评审工作计划', path: '/plans', icon: Calendar },
    { label: '节假日日历', path: '/calendar', icon: Clock },
    { label: '审计日志', path: '/audit', icon: Memo },
    { label: '技术支持联系方式', path: '/support', icon: Service },
    statsMenu(),
    { label: '账号设置', path: '/account', icon: Setting },
  ],
  // 首页: next year's holiday calendar missing (working days cannot be counted into it), the
  // registrations waiting, no 技术支持联系方式 for the home and login pages to show
  async notices() {
    const [cal, regs, support] = await Promise.all([
      api.get('calendar').catch(() => null),
      api.get('registrations?status=pending').catch(() => null),
      api.get('support').catch(() => null),
    ])
    const list = []
    if (cal && cal.warning) list.push({ type: 'warning', text: cal.warning.text, to: '/calendar', link: '前往录入' })
    if (support && !support.contact) {
      list.push({ type: 'warning', text: '尚未设置技术支持联系方式：平台首页和各登录页无法告知系统操作问题向谁咨询。', to: '/support', link: '前往设置' })
    }
    if (regs && regs.items && regs.items.length) {
      list.push({ type: 'info', text: `有 ${regs.items.length} 家单位的注册等待审核。`, to: '/registrations', link: '前往审核' })
    }
    return list
  },
  routes: [
    { path: '/registrations', name: 'registrations', component: Registrations, meta: { title: '单位注册审核' } },
    { path: '/departments', name: 'departments', component: Departments, meta: { title: '部门与账号' } },
    { path: '/accounts', name: 'accounts', component: Accounts, meta: { title: '账号查询' } },
    { path: '/plans', name: 'plans', component: Plans, meta: { title: '评审工作计划' } },
    { path: '/plans/new', name: 'plan-new', component: PlanEdit, meta: { title: '新增评审工作计划', menu: '/plans' } },
    { path: '/plans/:id(\\d+)', name: 'plan-edit', component: PlanEdit, meta: { title: '编辑评审工作计划', menu: '/plans' } },
    { path: '/calendar', name: 'calendar', component: CalendarPage, meta: { title: '节假日日历' } },
    { path: '/audit', name: 'audit', component: Audit, meta: { title: '审计日志' } },
    { path: '/support', name: 'support', component: Support, meta: { title: '技术支持联系方式' } },
    ...statsRoutes(),
  ],
})
