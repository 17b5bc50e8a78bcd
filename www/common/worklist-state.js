// Where the reviewer was in the worklist: its filters (the route's query) and the keyset
// cursors of the pages seen, so that coming back from an application (after a decision, or
// with 返回列表) shows the same list at the same page. Kept in the tab's sessionStorage too,
// so that a reload (or a tab opened from this one) still knows the list and its page: the
// clerk's own (uid), never another's who used this tab before.
import { session } from './session.js'

const STORE = `zcps.worklist.${typeof location === 'undefined' ? '' : location.pathname}`

function restored() {
  try {
    const s = JSON.parse(sessionStorage.getItem(STORE) || 'null')
    if (s && typeof s === 'object' && Array.isArray(s.cursors) && Array.isArray(s.ids)) return s
  } catch {
    // storage unavailable or its value unreadable: start afresh
  }
  return null
}

export const worklistState = {
  query: {}, // the last /worklist query (filters, tab, sort, size)
  key: '', // the filters the cursors belong to
  cursors: [null], // cursors[i] = `after` of page i (null: the first page)
  page: 0,
  ids: [], // the page's applications this organisation may move now, in the list's order
  opened: null, // the application last opened from it (marked when the clerk comes back)
  uid: null, // whose list it is
  ...restored(),
}

// The state as the clerk logged in now left it; another's (or none) is forgotten.
export function ownWorklistState() {
  const uid = session.user ? session.user.id : null
  if (worklistState.uid !== uid)
    Object.assign(worklistState, { query: {}, key: '', cursors: [null], page: 0, ids: [], opened: null, uid })
  return worklistState
}

export function saveWorklistState() {
  worklistState.uid = session.user ? session.user.id : null
  try {
    sessionStorage.setItem(STORE, JSON.stringify(worklistState))
  } catch {
    // private mode or full: the list is still kept for this page's life
  }
}

// An application opened (from the list, or as its next one): marked there on the way back.
export function noteOpened(id) {
  ownWorklistState().opened = String(id)
  saveWorklistState()
}

// the route back to the worklist as it was left
export function worklistLocation() {
  return { path: '/worklist', query: { ...ownWorklistState().query } }
}

// What a 通过 (or another action) of worklist rows would meet now: {id → result of POST
// applications/gates}, asked 100 at a time (the route's most: an interview's roster may hold
// more); null when the check itself failed (the move still decides, as before).
export async function gateVerdicts(api, rows, action = 'pass') {
  const out = new Map()
  try {
    for (let i = 0; i < rows.length; i += 100) {
      const items = rows.slice(i, i + 100).map((r) => ({ id: r.id, step: r.step }))
      const data = await api.post('applications/gates', action === 'pass' ? { items } : { items, action })
      for (const x of data.results || []) out.set(x.id, x)
    }
    return out
  } catch {
    return null
  }
}

// Of ids (rows of items), those a 通过 would pass now, in their order (all of them when the
// check itself fails: the decision then says why, as before).
async function gatesMet(api, items, ids) {
  const rows = items.filter((r) => ids.includes(String(r.id)) && (r.actions || []).includes('pass'))
  if (!rows.length) return []
  const verdicts = await gateVerdicts(api, rows)
  if (!verdicts) return ids
  return ids.filter((id) => rows.some((r) => String(r.id) === id && verdicts.get(r.id)?.ok))
}

const movable = (items) =>
  (Array.isArray(items) ? items : []).filter((r) => Array.isArray(r.actions) && r.actions.length).map((r) => String(r.id))

// A colleague of the organisation opened it in the last ten minutes (a row's or the detail's
// `viewer`, sql/081): 王丽华 3 分钟前打开.
export function viewerWords(v) {
  return v ? `${v.name} ${v.minutes > 0 ? `${v.minutes} 分钟前` : '刚刚'}打开` : ''
}

// The list's applications the organisation may move now, as the page shows them.
export function rememberMovable(items) {
  worklistState.ids = movable(items)
  saveWorklistState()
}

// After a decision on application `done`: { id } of the next one of the list as it was left to
// move now, or { id: null, left } with how many the page still has that were passed over. The
// list is asked again (the decided one has left it or moved on). The one shown after `done`
// that is still to move comes first; those shown before it were passed over by the reviewer
// and are not offered, nor is `done` (a unit's 资格审查 passed stays on its desk for 公示); one
// that arrived meanwhile comes after those shown. When the page has none left, its next page.
// One a colleague has open is not offered (it stays on the list, counted in `left`).
// passable: only one that a 通过 could pass now (its gates met: paid, its 公示 over…), for the
// clerk passing one after another (the deadline-day probe: 确认并办理下一件 opened an unpaid one,
// whose 通过 was disabled, and left nowhere to go); the ones skipped stay on the list.
export async function nextMovable(api, done, { passable = false } = {}) {
  ownWorklistState()
  const base = new URLSearchParams()
  for (const [k, v] of Object.entries(worklistState.query)) {
    if (typeof v === 'string' && v !== '') base.set(k, v)
  }
  const shown = worklistState.ids
  const pos = shown.indexOf(String(done))
  const passed = new Set(pos >= 0 ? shown.slice(0, pos + 1) : [String(done)])
  let after = worklistState.cursors[worklistState.page] || null
  let left = 0
  for (let i = 0; i < 2; i++) {
    const p = new URLSearchParams(base)
    if (after) p.set('after', after)
    const data = await api.get(`worklist?${p.toString()}`)
    const all = movable(data.items)
    // not one a colleague has open: two clerks passing one after another were sent to the same
    // next application every time (the clerk's-day probe)
    const taken = new Set((data.items || []).filter((r) => r.viewer).map((r) => String(r.id)))
    let ids = all.filter((id) => !passed.has(id) && !taken.has(id))
    if (passable && ids.length) ids = await gatesMet(api, data.items, ids)
    const next = shown.slice(pos + 1).find((id) => ids.includes(id)) || ids[0]
    if (i === 0) left = all.filter((id) => id !== String(done)).length
    if (next) {
      worklistState.ids = all
      if (i > 0) {
        worklistState.cursors = [...worklistState.cursors.slice(0, worklistState.page + 1), after]
        worklistState.page++
      }
      saveWorklistState()
      return { id: next, left: 0 }
    }
    if (!data.next) break
    after = data.next
  }
  return { id: null, left }
}
