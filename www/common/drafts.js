// Unsaved edits kept in the browser (localStorage) until the server confirms them, so that
// nothing typed is lost to a network failure, an expired session, a step switch or a reload.
// One item per person and scope (e.g. one application):
//   zcps-draft:<role>:<user id>:<scope> → {"entries":{"<key>":{…entry}}}
// An entry is whatever the page needs to send again and to show again (see
// applicant/wizard/keeper.js). Entries older than MAX_AGE_DAYS are dropped when read.
// localStorage rather than IndexedDB: a 述职 is a few kilobytes, and a synchronous write on each
// keystroke means the last character is stored before anything else can happen.

const PREFIX = 'zcps-draft'
const MAX_AGE_DAYS = 30

function storage() {
  try {
    const s = window.localStorage
    const probe = `${PREFIX}:probe`
    s.setItem(probe, '1')
    s.removeItem(probe)
    return s
  } catch {
    return null // private mode, quota, disabled: the page keeps them in memory only
  }
}

function itemKey(role, userId, scope) {
  return `${PREFIX}:${role}:${userId}:${scope}`
}

// Bumped by dropDrafts: a store opened before writes nothing more (a page still closing after
// the person chose to delete must not put its copy back).
const dropped = new Map() // "<role>:<user id>" -> count


// A store of the entries of one scope. Entries with `volatile: true` stay in memory only.
export function draftStore(role, userId, scope) {
  const ls = storage()
  const key = itemKey(role, userId, scope)
  const entries = {}
  const who = `${role}:${userId}`
  const epoch = dropped.get(who) || 0
  if (ls) {
    try {
      const saved = JSON.parse(ls.getItem(key) || '{}')
      const oldest = Date.now() - MAX_AGE_DAYS * 86400 * 1000
      for (const [k, e] of Object.entries(saved.entries || {})) {
        if (e && typeof e === 'object' && Number(e.at) > oldest) entries[k] = e
      }
    } catch {
      // unreadable: start afresh
    }
  }
  function persist() {
    if (!ls || (dropped.get(who) || 0) !== epoch) return
    const keep = Object.fromEntries(Object.entries(entries).filter(([, e]) => !e.volatile))
    try {
      if (Object.keys(keep).length === 0) ls.removeItem(key)
      else ls.setItem(key, JSON.stringify({ entries: keep }))
    } catch {
      // quota: the entries stay in memory
    }
  }
  persist()
  return {
    persistent: !!ls,
    get: (k) => entries[k] || null,
    keys: () => Object.keys(entries),
    set(k, e) {
      entries[k] = e
      persist()
    },
    remove(k) {
      if (!(k in entries)) return
      delete entries[k]
      persist()
    },
  }
}

// How many kept entries a person has in this browser (any scope).
export function countDrafts(role, userId) {
  const ls = storage()
  if (!ls) return 0
  const head = `${itemKey(role, userId, '')}`
  let n = 0
  for (let i = 0; i < ls.length; i++) {
    const k = ls.key(i)
    if (!k || !k.startsWith(head)) continue
    try {
      n += Object.keys(JSON.parse(ls.getItem(k)).entries || {}).length
    } catch {
      // ignore
    }
  }
  return n
}

// Forgets every kept entry of a person in this browser (logging out on a shared computer).
export function dropDrafts(role, userId) {
  dropped.set(`${role}:${userId}`, (dropped.get(`${role}:${userId}`) || 0) + 1)
  const ls = storage()
  if (!ls) return
  const head = `${itemKey(role, userId, '')}`
  const doomed = []
  for (let i = 0; i < ls.length; i++) {
    const k = ls.key(i)
    if (k && k.startsWith(head)) doomed.push(k)
  }
  for (const k of doomed) ls.removeItem(k)
}
