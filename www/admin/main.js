import { Calendar, Clock, HomeFilled, Memo, OfficeBuilding, Setting, UserFilled } from '@element-plus/icons-vue'
import { createPortal } from '../common/app.js'
import { statsMenu, statsRoutes } from '../common/stats-route.js'

createPortal({
  role: 'admin',
  title: '平台管理',
  menu: [
    { label: '首页', path: '/', icon: HomeFilled },
    { label: '单位注册审核', icon: OfficeBuilding, soon: true },
    { label: '部门账号', icon: UserFilled, soon: true },
    { label: '评审工作计划', icon: Calendar, soon: true },
    { label: '节假日设置', icon: Clock, soon: true },
    { label: '审计日志', icon: Memo, soon: true },
    statsMenu(),
    { label: '账号设置', path: '/account', icon: Setting },
  ],
  routes: statsRoutes(),
})
