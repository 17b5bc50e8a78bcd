// The reviewer's workspace shared by the department portals (unit, county, city, hrb): the
// worklist (/worklist) and an application's detail (/applications/:id), both loaded when first
// opened. The menu entry keeps its path; its name follows the notice's wording per portal:
// the unit's 职称申报资格审查, the departments' 职称评审资格审查.
import { Tickets } from '@element-plus/icons-vue'
import { api } from './api.js'
import { isMember } from './menu.js'

const Worklist = () => import('./Worklist.vue')
const ReviewDetail = () => import('./ReviewDetail.vue')

export function worklistMenu(label) {
  return { label, path: '/worklist', icon: Tickets }
}

// interviews: the portal calls applicants to interviews (评前面试), so the worklist offers
// 安排面试 for the rows chosen.
export function reviewRoutes(label, { interviews = false } = {}) {
  return [
    { path: '/worklist', name: 'worklist', component: Worklist, meta: { title: label, interviews } },
    {
      path: '/applications/:id',
      name: 'review',
      component: ReviewDetail,
      meta: { title: '申报详情', menu: '/worklist' },
    },
  ]
}

// 首页's notice of the work waiting: how many applications wait for this organisation (the
// worklist's 待审查 count: to review, or at its 公示, meeting or document steps, each row of the
// list says where). A committee's expert has no worklist: none.
export async function worklistNotices() {
  if (isMember()) return []
  const data = await api.get('worklist?size=1')
  const n = data && data.counts ? Number(data.counts.waiting) || 0 : 0
  return n ? [{ type: 'info', text: `有 ${n} 件申报等待本单位办理。`, to: '/worklist', link: '前往办理' }] : []
}
