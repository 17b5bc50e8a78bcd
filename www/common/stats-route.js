// 统计分析 (the statistics dashboard) of the department portals and the operator's: its menu
// entry and its route. The page, and the chart library it alone uses, are loaded when it is
// first opened.
import { DataAnalysis } from '@element-plus/icons-vue'

const Dashboard = () => import('./Dashboard.vue')

export function statsMenu() {
  return { label: '统计分析', path: '/stats', icon: DataAnalysis }
}

export function statsRoutes() {
  return [{ path: '/stats', name: 'stats', component: Dashboard, meta: { title: '统计分析' } }]
}
