// What the signed-in person may open: the portal's side menu, less what is not for them.
//  - A unit that registered itself works only once the platform approved it (the server answers
//    403 to everything else): until then it sees only the portal's `unapproved` menu (its
//    registration's status, 账号设置), so the menu never offers a page that cannot open.
//  - Items with adminOnly are for the organisation's administrator (a unit's first clerk).
import { session } from './session.js'

// true while the signed-in organisation waits for, or failed, the platform's approval
export function orgUnapproved() {
  return !!(session.org && session.org.status && session.org.status !== 'approved')
}

export function isOrgAdmin() {
  return !!(session.org && session.org.admin)
}

// The menu items shown now (portal: the object createPortal provides).
export function visibleMenu(portal) {
  if (portal.unapproved && orgUnapproved()) return portal.unapproved.menu
  return portal.menu.filter((item) => !item.adminOnly || isOrgAdmin())
}
