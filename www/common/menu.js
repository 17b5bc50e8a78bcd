// Which menu entries a person sees. A committee member's login (user.kind 'committee_member')
// sees its own entries (member: true) besides 首页 and 账号设置, and nothing of the desk; everyone
// else sees the other entries whose show(session), when given, says yes (e.g. 评审会议 only for a
// committee's office).
export function isMember(session) {
  return !!(session && session.user && session.user.kind === 'committee_member')
}

export function visibleMenu(menu, session) {
  const member = isMember(session)
  return menu.filter((item) => {
    if (item.path === '/' || item.path === '/account') return true
    if (member) return !!item.member
    return !item.member && (!item.show || item.show(session))
  })
}
