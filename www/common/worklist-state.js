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
  uid: null, // whose list it is
  ...restored(),
}

// The state as the clerk logged in now left it; another's (or none) is forgotten.
export function ownWorklistState() {
  const uid = session.user ? session.user.id : null
  if (worklistState.uid !== uid)
    Object.assign(worklistState, { query: {}, key: '', cursors: [null], page: 0, ids: [], uid })
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

// the route back to the worklist as it was left
export function worklistLocation() {
  return { path: '/worklist', query: { ...ownWorklistState().query } }
}

const movable = (items) =>
  (Array.isArray(items) ? items : []).filter((r) => Array.isArray(r.actions) && r.actions.length).map((r) => String(r.id))

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
export async function nextMovable(api, done) {
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
    const ids = all.filter((id) => !passed.has(id))
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
