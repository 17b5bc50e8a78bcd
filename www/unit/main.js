import { Avatar, Files, HomeFilled, OfficeBuilding, Promotion, Setting, User } from '@element-plus/icons-vue'
import { createPortal } from '../common/app.js'
import { api } from '../common/api.js'
import { reviewRoutes, unitWorklistNotices, worklistMenu } from '../common/worklist-route.js'

// Pages are loaded when first opened (same-origin module chunks, fine under the CSP).
const Register = () => import('./Register.vue')
const ArchiveReview = () => import('./ArchiveReview.vue')
const Publicity = () => import('../common/Publicity.vue')
const Registration = () => import('./Registration.vue')
const People = () => import('./People.vue')
const Operators = () => import('./Operators.vue')

createPortal({
  role: 'unit',
  title: '用人单位（人才交流中心）',
  menu: [
    { label: '首页', path: '/', icon: HomeFilled },
    { label: '人员', path: '/people', icon: User },
    { label: '业绩档案审核', path: '/archive', icon: Files },
    worklistMenu('职称申报资格审查'),
    { label: '资格公示与报送', path: '/publicity', icon: Promotion },
    { label: '单位信息', path: '/registration', icon: OfficeBuilding },
    { label: '经办人账号', path: '/operators', icon: Avatar, adminOnly: true },
    { label: '账号设置', path: '/account', icon: Setting },
  ],
  // Until the platform approves the registration the server answers 403 to everything but the
  // registration and the account: the menu offers only those.
  unapproved: {
    home: '/registration',
    menu: [
      { label: '单位注册', path: '/registration', icon: OfficeBuilding },
      { label: '账号设置', path: '/account', icon: Setting },
    ],
  },
  // 首页: the people waiting for the unit's confirmation, and the applications for its decision
  async notices() {
    const [{ items }, waiting] = await Promise.all([api.get('people?status=pending'), unitWorklistNotices()])
    return [...(items && items.length ? [{ type: 'warning', text: `有 ${items.length} 名人员选择了本单位，等待确认。`,
      to: '/people', link: '前往确认' }] : []), ...waiting]
  },
  routes: [
    // 单位注册 (public): a unit registers itself with its 授权委托书
    { path: '/register', name: 'register', component: Register, meta: { public: true, title: '单位注册' } },
    { path: '/registration', name: 'registration', component: Registration, meta: { title: '单位信息' } },
    { path: '/people', name: 'people', component: People, meta: { title: '人员' } },
    // opened on its 资格审查 (step 2 of every chain); 单位公示并推荐上报 is 资格公示与报送's
    ...reviewRoutes('职称申报资格审查', { defaultQuery: { step: '2' } }),
    { path: '/archive', name: 'archive', component: ArchiveReview, meta: { title: '业绩档案审核' } },
    { path: '/publicity', name: 'publicity', component: Publicity, meta: { title: '资格公示与报送' } },
    { path: '/operators', name: 'operators', component: Operators, meta: { title: '经办人账号', adminOnly: true } },
  ],
})
