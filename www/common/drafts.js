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


// This tab's name: an entry says which chain of edits it belongs to (`chain`, made by the first
// unsaved edit of a kind), so that two tabs of one scope do not overwrite each other's kept edits.
const randomId = () => Math.random().toString(36).slice(2, 10)

// An entry that holds something the server has not got: another tab's must not be overwritten.
const pending = (e) => !!e && !e.volatile && (e.seq !== e.sentSeq || !!e.partial || !!e.conflict)

// A store of the entries of one scope. Entries with `volatile: true` stay in memory only.
// Every write reads the item again and changes only its own entry, so a tab keeps what another
// tab of the same scope kept (the resilience probe: a second tab's click, during an outage,
// wrote its whole copy over the first tab's kept 述职, and it was lost). An edit over another
// tab's unsaved edit of the same kind (a chain this tab has not seen, or seen less far) is not
// stored: set() answers false and the entry stays in this tab's memory, marked `clash`.
export function draftStore(role, userId, scope) {
  const ls = storage()
  const key = itemKey(role, userId, scope)
  const entries = {}
  const who = `${role}:${userId}`
  const epoch = dropped.get(who) || 0
  const oldest = Date.now() - MAX_AGE_DAYS * 86400 * 1000
  function read() {
    const out = {}
    if (!ls) return out
    try {
      const saved = JSON.parse(ls.getItem(key) || '{}')
      for (const [k, e] of Object.entries(saved.entries || {})) {
        if (e && typeof e === 'object' && Number(e.at) > oldest) out[k] = e
      }
    } catch {
      // unreadable: start afresh
    }
    return out
  }
  function write(stored) {
    if (!ls || (dropped.get(who) || 0) !== epoch) return
    try {
      if (Object.keys(stored).length === 0) ls.removeItem(key)
      else ls.setItem(key, JSON.stringify({ entries: stored }))
    } catch {
      // quota: the entries stay in memory
    }
  }
  Object.assign(entries, read())
  write(read())
  return {
    persistent: !!ls,
    get: (k) => entries[k] || null,
    keys: () => Object.keys(entries),
    set(k, e) {
      const mine = entries[k]
      const entry = { ...e, chain: (mine && mine.chain) || e.chain || randomId(), clash: false }
      if (entry.volatile) {
        entries[k] = entry
        return true
      }
      const stored = read()
      const there = stored[k]
      if (pending(there) && there.chain !== entry.chain) {
        entries[k] = { ...entry, clash: true }
        return false
      }
      if (pending(there) && mine && there.seq > mine.seq) {
        entries[k] = { ...entry, clash: true }
        return false
      }
      entries[k] = entry
      stored[k] = entry
      write(stored)
      return true
    },
    remove(k) {
      if (!(k in entries)) return
      const mine = entries[k]
      delete entries[k]
      if (mine.volatile || mine.clash) return
      const stored = read()
      // another tab's chain of that kind stays
      if (stored[k] && stored[k].chain !== mine.chain && pending(stored[k])) return
      delete stored[k]
      write(stored)
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
