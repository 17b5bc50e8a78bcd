// The live 待审查 page shared by the department portals (unit, county, city, hrb).
import { Tickets } from '@element-plus/icons-vue'
import Worklist from './Worklist.vue'

export const worklistMenu = { label: '待审查', path: '/worklist', icon: Tickets }
export const worklistRoute = { path: '/worklist', name: 'worklist', component: Worklist, meta: { title: '待审查' } }
