import { Files, HomeFilled, OfficeBuilding, Promotion, Setting } from '@element-plus/icons-vue'
import { createPortal } from '../common/app.js'
import { reviewRoutes, worklistMenu } from '../common/worklist-route.js'

const ArchiveReview = () => import('./ArchiveReview.vue')
const Publicity = () => import('../common/Publicity.vue')

createPortal({
  role: 'unit',
  title: '用人单位(人才交流中心)',
  menu: [
    { label: '首页', path: '/', icon: HomeFilled },
    { label: '业绩档案审核', path: '/archive', icon: Files },
    worklistMenu('职称申报资格审查'),
    { label: '资格公示与报送', path: '/publicity', icon: Promotion },
    { label: '单位信息', icon: OfficeBuilding, soon: true },
    { label: '账号设置', path: '/account', icon: Setting },
  ],
  routes: [
    ...reviewRoutes('职称申报资格审查'),
    { path: '/archive', name: 'archive', component: ArchiveReview, meta: { title: '业绩档案审核' } },
    { path: '/publicity', name: 'publicity', component: Publicity, meta: { title: '资格公示与报送' } },
  ],
})
