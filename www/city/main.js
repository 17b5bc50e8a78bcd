import { HomeFilled, Money, Promotion, Reading, Setting } from '@element-plus/icons-vue'
import { createPortal } from '../common/app.js'
import { reviewRoutes, worklistMenu } from '../common/worklist-route.js'
import { statsMenu, statsRoutes } from '../common/stats-route.js'

createPortal({
  role: 'city',
  title: '市级主管部门',
  menu: [
    { label: '首页', path: '/', icon: HomeFilled },
    worklistMenu('职称评审资格审查'),
    statsMenu(),
    { label: '收费设定', icon: Money, soon: true },
    { label: '评审会议', icon: Reading, soon: true },
    { label: '结果公布', icon: Promotion, soon: true },
    { label: '账号设置', path: '/account', icon: Setting },
  ],
  routes: [...reviewRoutes('职称评审资格审查'), ...statsRoutes()],
})
