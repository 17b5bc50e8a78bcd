// The wizard's draft saving: every edit is kept in the browser at once (common/drafts.js) and
// PUT to the server after a short pause; the kept copy goes when the server confirms exactly
// that edit. A save that fails for the network (or a 5xx) is retried with back-off and as soon
// as the browser is online again; a 401 is handled by the login dialog (common/api.js sends the
// request again after the person logged in); a refused save (4xx) keeps its copy and says why.
//
// An entry (one per kind of data: 'info', 'recommenders', 'archive', 'files-<kind>', and the
// volatile 'wizard_step'):
//   {path, body (what is PUT), keep (what the step shows again), partial (body lacks part of
//    keep, e.g. a 述职 over 1000 characters: kept, not sendable), seq (edits so far),
//    sentSeq (the edit the server confirmed), base (the server's data of that kind when the
//    first unsaved edit was made), rev (the server's digest of that data, application.revs:
//    sent with the edit, so a save over what another window or device saved since is refused,
//    409 field "rev", and becomes a conflict), fail: null|{kind: 'network'|'auth'|'rejected',
//    message, seq}, conflict, at, volatile}
//
// When the page opens with kept entries: one the server already has goes; one whose server data
// changed since it was made (edited on another device) is not sent by itself: the wizard shows
// both choices (keep this device's text and save it, or take the server's). Any new edit of that
// kind means the person chose this device's text. The same choice is offered when the server
// refuses a save because another window saved that kind meanwhile (two tabs of one draft).
import { computed, ref } from 'vue'
import { api } from '../../common/api.js'
import { draftStore } from '../../common/drafts.js'
import { session } from '../../common/session.js'

const BACKOFF_S = [2, 4, 8, 16, 30, 60]
const INFO_FIELDS = ['statement', 'category', 'method', 'specialty', 'accept_org_id', 'held_title', 'self_score']
const REC_FIELDS = ['name', 'title', 'specialty', 'employer', 'cert']
const norm = (v) => (v === null || v === undefined ? '' : String(v))
const recNorm = (r) => REC_FIELDS.map((f) => norm(r && r[f]))
const archNorm = (list) => (list || []).map((x) => [Number(x.item_id), norm(x.contribution)])

// The server's data of one kind, comparable as a string.
export function snapshot(key, a) {
  if (!a) return ''
  if (key === 'info') return JSON.stringify(INFO_FIELDS.map((f) => norm(a[f])))
  if (key === 'recommenders') return JSON.stringify((a.recommenders || []).map(recNorm))
  if (key === 'archive') return JSON.stringify(archNorm(a.archive))
  if (key.startsWith('files-')) return JSON.stringify(((a.files || {})[key.slice(6)] || []).map((f) => Number(f.id)))
  return ''
}

// Whether the server already holds what body would write.
function onServer(key, body, a) {
  if (!a || !body) return false
  if (key === 'info') return Object.keys(body).every((f) => f === 'wizard_step' || norm(body[f]) === norm(a[f]))
  if (key === 'recommenders') return JSON.stringify((body.recommenders || []).map(recNorm)) === snapshot(key, a)
  if (key === 'archive') return JSON.stringify(archNorm(body.items)) === snapshot(key, a)
  if (key.startsWith('files-')) return JSON.stringify((body.uploads || []).map(Number)) === snapshot(key, a)
  return false
}

// The server's digest of one kind of the application's data ('' when it gave none).
const revOf = (key, a) => (a && a.revs && a.revs[key]) || ''

function clock() {
  const d = new Date()
  const p = (n) => String(n).padStart(2, '0')
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`
}

// useKeeper({app: () => the server's application, apply(data), notEditable(err), rejected(err)})
// The promises it hands out never reject: every outcome is in the entries and `status`.
export function useKeeper({ app, apply, notEditable, rejected }) {
  let store = draftStore('applicant', 0, 'none') // replaced by open()
  let scope = ''
  const version = ref(0) // bumped on every change of the entries, for the computed state below
  const bump = () => version.value++
  const timers = new Map() // key -> debounce timeout
  const inflight = new Map() // key -> promise of the request under way
  const again = new Set() // keys edited while their request was under way
  const savedAt = ref('')
  const online = ref(typeof navigator === 'undefined' || navigator.onLine !== false)
  let retryTimer = null
  let retryStep = 0

  function needsSending(e) {
    return e && e.seq !== e.sentSeq && !e.conflict && !e.clash && !(e.fail && e.fail.kind === 'rejected' && e.fail.seq === e.seq)
  }

  // Opens the kept entries of an application after its GET: see the header.
  function open(userId, appId) {
    const want = `${userId}:${appId}`
    if (scope === want) return
    scope = want
    store = draftStore('applicant', userId, `application-${appId}`)
    const a = app()
    for (const key of store.keys()) {
      const e = { ...store.get(key), reloading: false }
      if (e.volatile) store.remove(key)
      else if (onServer(key, e.body, a)) {
        if (e.partial) store.set(key, { ...e, sentSeq: e.seq, base: snapshot(key, a), rev: revOf(key, a), fail: null })
        else store.remove(key)
      } else if (e.base !== snapshot(key, a)) store.set(key, { ...e, conflict: true, fail: null })
      else store.set(key, { ...e, rev: revOf(key, a), fail: null })
    }
    bump()
    retryAll()
  }

  // The step's data to show again, or null when nothing is kept for that key.
  function kept(key) {
    void version.value
    const e = store.get(key)
    return e && !e.volatile ? JSON.parse(JSON.stringify(e.keep)) : null
  }

  // An edit: kept at once, sent after `delay` ms of quiet.
  function edit(key, path, body, { keep, partial = false, delay = 600, volatile = false } = {}) {
    const old = store.get(key)
    // typing on over a conflict is choosing this device's text: over what the server has now
    const over = old && !old.conflict
    const e = {
      base: over ? old.base : snapshot(key, app()),
      rev: over ? old.rev : revOf(key, app()),
      seq: old ? old.seq + 1 : 1,
      sentSeq: old ? old.sentSeq : 0,
      path,
      body,
      keep: keep === undefined ? body : keep,
      partial: !!partial,
      fail: old && old.fail && old.fail.kind !== 'rejected' ? old.fail : null,
      conflict: false,
      at: Date.now(),
      volatile,
    }
    // over another tab's edit of this kind not yet saved: kept in this tab only, not sent
    // (it would overwrite the other tab's text with this tab's older copy)
    const stored = store.set(key, e)
    bump()
    clearTimeout(timers.get(key))
    timers.delete(key)
    if (!stored) return
    if (delay <= 0) send(key)
    else timers.set(key, setTimeout(() => {
      timers.delete(key)
      bump()
      send(key)
    }, delay))
  }

  function send(key) {
    if (inflight.has(key)) {
      again.add(key)
      return inflight.get(key)
    }
    const e = store.get(key)
    if (!needsSending(e)) return Promise.resolve()
    const seq = e.seq
    // (the volatile wizard_step goes without: it overwrites nothing typed)
    const body = e.rev && !e.volatile ? { ...e.body, rev: e.rev } : e.body
    const p = api
      .put(e.path, body)
      .then((data) => confirmed(key, seq, data), (err) => failed(key, seq, err))
      .finally(() => {
        inflight.delete(key)
        bump()
        if (again.delete(key) && !timers.has(key)) send(key)
      })
    inflight.set(key, p)
    bump()
    return p
  }

  function confirmed(key, seq, data) {
    apply(data)
    const cur = store.get(key)
    if (cur && cur.seq === seq && !cur.partial) store.remove(key)
    else if (cur) {
      const a = data && data.application
      store.set(key, { ...cur, sentSeq: cur.seq === seq ? seq : cur.sentSeq, base: snapshot(key, a), rev: revOf(key, a), fail: null })
    }
    savedAt.value = clock()
    retryStep = 0
    bump()
  }

  function failed(key, seq, err) {
    const cur = store.get(key)
    let kind = 'rejected'
    if (err.status === 0 || err.status >= 500) kind = 'network'
    else if (err.status === 401 || (err.status === 403 && err.code === 'csrf')) kind = 'auth'
    if (err.status === 409 && err.field === 'rev') {
      // another window saved this kind since: the page reloads the server's copy, then the
      // person chooses (not before: 改用服务器上的内容 must show what the server has now)
      if (cur) store.set(key, { ...cur, conflict: true, reloading: true, fail: null })
      bump()
      return Promise.resolve(notEditable(err)).finally(() => {
        const e = store.get(key)
        const a = app()
        // the other window saved the same (a second tab sent this tab's kept text after an
        // outage): nothing to choose (the probe waited 40 s on a choice between two equal texts)
        if (e && onServer(key, e.body, a)) {
          if (e.partial) store.set(key, { ...e, conflict: false, reloading: false, sentSeq: e.seq, base: snapshot(key, a), rev: revOf(key, a) })
          else store.remove(key)
          savedAt.value = clock()
        } else if (e && e.reloading) store.set(key, { ...e, reloading: false })
        bump()
      })
    }
    if (cur) store.set(key, { ...cur, fail: { kind, message: err.message, seq } })
    bump()
    if (kind === 'network') scheduleRetry()
    else if (err.status === 409) notEditable(err)
    else if (kind === 'rejected') rejected(err)
  }

  function scheduleRetry() {
    if (retryTimer) return
    const s = BACKOFF_S[Math.min(retryStep, BACKOFF_S.length - 1)]
    retryStep++
    retryTimer = setTimeout(() => {
      retryTimer = null
      retryAll()
    }, s * 1000)
  }

  // Sends every kept edit the server has not confirmed (not conflicts, not refused ones).
  function retryAll() {
    clearTimeout(retryTimer)
    retryTimer = null
    for (const key of store.keys()) {
      if (!timers.has(key) && needsSending(store.get(key))) send(key)
    }
  }

  // Sends every unconfirmed edit now, without waiting for its pause or the next retry;
  // resolves when nothing is under way (whatever the outcome).
  async function flush() {
    for (const t of timers.values()) clearTimeout(t)
    timers.clear()
    clearTimeout(retryTimer)
    retryTimer = null
    for (const key of store.keys()) send(key)
    bump()
    // a request under way may be followed by the newer edit that waited for it
    while (inflight.size > 0) await Promise.allSettled([...inflight.values()])
  }

  // The person's choice for a kept edit the server changed meanwhile.
  function keepLocal(key) {
    const e = store.get(key)
    if (!e) return
    store.set(key, { ...e, conflict: false, base: snapshot(key, app()), rev: revOf(key, app()), fail: null })
    bump()
    send(key)
  }
  function takeServer(key) {
    store.remove(key)
    bump()
  }

  const entries = computed(() => {
    void version.value
    return store.keys().map((k) => ({ key: k, ...store.get(k) })).filter((e) => !e.volatile)
  })
  const conflicts = computed(() => entries.value.filter((e) => e.conflict && !e.reloading).map((e) => e.key))
  // Something typed is not on the server (yet).
  const unsaved = computed(() => entries.value.some((e) => e.seq !== e.sentSeq || e.partial))
  const busy = computed(() => {
    void version.value
    return timers.size > 0 || inflight.size > 0
  })

  // {kind, text} of the state line: the worst thing first.
  const status = computed(() => {
    const list = entries.value
    const failing = (kind) => list.find((e) => e.fail && e.fail.kind === kind && e.seq !== e.sentSeq)
    if (list.some((e) => e.clash)) return { kind: 'error', text: '未保存：该申报正在另一个窗口（标签页）中编辑，那里的修改尚未保存。请回到那个窗口继续；已关闭那个窗口的，请刷新本页。本页的这处修改不会保存' }
    if (list.some((e) => e.conflict)) return { kind: 'error', text: '未保存：本机暂存的内容与服务器上的不同，请选择保留哪一份' }
    const refused = failing('rejected')
    if (refused) return { kind: 'error', text: `保存失败：${refused.fail.message}（已暂存在本机）` }
    if (unsaved.value && (session.reauth || failing('auth'))) return { kind: 'unsaved', text: '未保存（登录已失效，已暂存在本机，重新登录后自动保存）' }
    if (unsaved.value && (!online.value || failing('network'))) return { kind: 'unsaved', text: '未保存（网络异常，已暂存在本机）' }
    if (busy.value) return { kind: 'saving', text: '正在保存…' }
    if (list.some((e) => e.partial)) return { kind: 'unsaved', text: '未保存（超出限制的内容只暂存在本机，修改后自动保存）' }
    if (savedAt.value) return { kind: 'saved', text: `已保存 ${savedAt.value}` }
    return { kind: '', text: '自动保存草稿' }
  })

  function onOnline() {
    online.value = true
    retryStep = 0
    retryAll()
  }
  function onOffline() {
    online.value = false
  }
  window.addEventListener('online', onOnline)
  window.addEventListener('offline', onOffline)
  function close() {
    window.removeEventListener('online', onOnline)
    window.removeEventListener('offline', onOffline)
    clearTimeout(retryTimer)
    for (const t of timers.values()) clearTimeout(t)
    timers.clear()
  }

  return {
    open,
    kept,
    edit,
    flush,
    retryAll,
    keepLocal,
    takeServer,
    close,
    status,
    unsaved,
    conflicts,
    persistent: () => store.persistent,
    // something typed that this browser does not keep (no storage, or over another tab's edit)
    unkept: () => !store.persistent ? unsaved.value : entries.value.some((e) => e.clash),
    sessionUser: () => (session.user ? session.user.id : 0),
  }
}
