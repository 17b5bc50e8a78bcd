// 评审会议 in the portals of the committees (county: the 初评委; city: the 中评委 and the 初级评委会):
// the committee office's page (/meetings, a meeting at /meetings/:id) and a committee member's
// own (/ballots, a meeting's ballot at /ballots/:id). Pages load when first opened.
import { Reading } from '@element-plus/icons-vue'

const Meetings = () => import('./Meetings.vue')
const MeetingDetail = () => import('./MeetingDetail.vue')
const Ballots = () => import('./Ballots.vue')
const BallotDetail = () => import('./BallotDetail.vue')

const COMMITTEES = ['committee_junior', 'committee_mid']

// The office's entry, shown to the people of a committee organisation, and the members' own.
export function committeeMenu() {
  return [
    { label: '评审会议', path: '/meetings', icon: Reading, show: (s) => !!s.org && COMMITTEES.includes(s.org.kind) },
    { label: '我的评审会议', path: '/ballots', icon: Reading, member: true },
  ]
}

export function committeeRoutes() {
  return [
    { path: '/meetings', name: 'meetings', component: Meetings, meta: { title: '评审会议' } },
    {
      path: '/meetings/:id',
      name: 'meeting',
      component: MeetingDetail,
      meta: { title: '评审会议', menu: '/meetings' },
    },
    { path: '/ballots', name: 'ballots', component: Ballots, meta: { title: '我的评审会议', member: true } },
    {
      path: '/ballots/:id',
      name: 'ballot',
      component: BallotDetail,
      meta: { title: '评审表决', menu: '/ballots', member: true },
    },
  ]
}
