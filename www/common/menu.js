// What the signed-in person may open: the portal's side menu, less what is not for them.
//  - A unit that registered itself works only once the platform approved it (the server answers
//    403 to everything else): until then it sees only the portal's `unapproved` menu (its
//    registration's status, 账号设置), so the menu never offers a page that cannot open.
//  - Items with adminOnly are for the organisation's administrator (a unit's first clerk).
//  - A password someone else chose (user.must_change_password: a new clerk's, a reset one) is
//    good for one login: until the person sets their own, only 账号设置 (the server answers 403
//    password_change_required to everything but me, password and logout).
//  - A committee member's login (user.kind 'committee_member') sees its own entries (member: true)
//    besides 首页 and 账号设置, and nothing of the desk; everyone else sees the other entries whose
//    show(session), when given, says yes (e.g. 评审会议 only for a committee's office); an item's
//    labelFor(session), when given, names it for the organisation (初定结果公示 at 市住建局).
import { ROLE_NAMES, session } from './session.js'

// true while the signed-in organisation waits for, or failed, the platform's approval
export function orgUnapproved() {
  return !!(session.org && session.org.status && session.org.status !== 'approved')
}

export function isOrgAdmin() {
  return !!(session.org && session.org.admin)
}

// true while the signed-in person must replace a one-time password before anything else
export function mustChangePassword() {
  return !!(session.user && session.user.must_change_password)
}

export function isMember() {
  return !!(session.user && session.user.kind === 'committee_member')
}

// The signed-in person's role as 首页 and 账号设置 name it (a committee's expert signs in to a
// department's portal, yet is no department's clerk).
export function roleName(portal) {
  if (isMember()) return '评审委员会委员'
  return ROLE_NAMES[session.user && session.user.role] || portal.title
}

// The menu items shown now (portal: the object createPortal provides).
export function visibleMenu(portal) {
  if (mustChangePassword()) return portal.menu.filter((item) => item.path === '/account')
  if (portal.unapproved && orgUnapproved()) return portal.unapproved.menu
  const member = isMember()
  return portal.menu.filter((item) => {
    if (item.path === '/' || item.path === '/account') return true
    if (member) return !!item.member
    if (item.member) return false
    if (item.adminOnly && !isOrgAdmin()) return false
    return !item.show || item.show(session)
  }).map((item) => (item.labelFor ? { ...item, label: item.labelFor(session) } : item))
}
