// 技术支持联系方式 (GET /api/<role>/support, lib/support.c; the operator sets it): the notice
// sends questions about the system to its 技术支持联系人. For the login pages and, without Vue,
// the home page and the 操作手册 (landing-support.js).

// "平台运维服务中心，电话 0579-82468888，邮箱 …（工作日 …）", or '' when none is set
export function supportText(c) {
  if (!c) return ''
  return `${c.name}，电话 ${c.phone}${c.email ? `，邮箱 ${c.email}` : ''}${c.hours ? `（${c.hours}）` : ''}`
}

// the contact of role's program, null when none is set or it cannot be read (the page then says
// what it said before: 联系方式由平台运营单位公布)
export async function fetchSupport(role) {
  try {
    const r = await fetch(`/api/${role}/support`, { headers: { Accept: 'application/json' } })
    if (!r.ok) return null
    return (await r.json()).contact || null
  } catch {
    return null
  }
}
