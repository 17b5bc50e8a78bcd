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
// 安排面试 for the rows chosen. defaultQuery: the filters the list opens with when the menu opens
// it (the unit's: its 资格审查 step; what passes it waits for 公示 on 资格公示与报送).
export function reviewRoutes(label, { interviews = false, defaultQuery = null } = {}) {
  return [
    { path: '/worklist', name: 'worklist', component: Worklist, meta: { title: label, interviews, defaultQuery } },
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
  const n = waitingOf(data)
  return n ? [{ type: 'info', text: `有 ${n} 件申报等待本部门办理。`, to: '/worklist', link: '前往办理' }] : []
}
const waitingOf = (data) => (data && data.counts ? Number(data.counts.waiting) || 0 : 0)

// The unit's: those to review (单位资格审查) and those at 单位公示并推荐上报, each where it is done
// (the deadline-day probe: one count that a 通过 never lowered, the passed ones waiting for 公示).
export async function unitWorklistNotices() {
  // the notice (用人单位网上审核操作办法 1): 系统会显示需要审核的业绩档案信息和职称申报申请 (a list
  // of at most 500 pending 业绩档案)
  const [review, publicity, archive] = await Promise.all([api.get('worklist?size=1&step=2'),
    api.get('worklist?size=1&step=3'), api.get('archive?status=pending').catch(() => null)])
  const out = []
  const pending = archive && archive.items ? archive.items.length : 0
  if (pending) {
    out.push({ type: 'info', text: `有 ${pending}${pending >= 500 ? ' 余' : ' '}项业绩档案等待审核。`, to: '/archive', link: '前往审核' })
  }
  if (waitingOf(review)) out.push({ type: 'info', text: `有 ${waitingOf(review)} 件申报等待资格审查。`, to: '/worklist', link: '前往审查' })
  if (waitingOf(publicity)) {
    out.push({ type: 'info', text: `有 ${waitingOf(publicity)} 件申报在资格公示与报送环节（公示期满且无异议后推荐上报）。`,
      to: '/publicity', link: '前往公示与报送' })
  }
  return out
}
