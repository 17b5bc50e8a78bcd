// The signed-in person, shared by every component of a portal, and how long their session has
// left: the server says so at login and `me` (`session: {idle_min, abs_hours, idle_left, abs_left}`,
// seconds), and every other answer of a live session counts as activity.
import { reactive } from 'vue'
import { api, setCsrf } from './api.js'

export const session = reactive({
  loaded: false,
  user: null,
  org: null,
  // idle timeout in minutes (0: not known, no warning), and the times (Date.now() ms) at which
  // the session ends if nothing else happens, and at the latest (the absolute limit)
  idleMin: 0,
  absHours: 0,
  deadline: 0,
  absDeadline: 0,
  // true while the login dialog asks the person to log in again (the session has expired)
  reauth: false,
})

// last_seen is written at most once a minute (lib/session.c), so after an answer other than
// login/me the session is only known to last idle_min minutes less one.
const TOUCH_SLACK_MS = 60 * 1000

let role = ''
const shareKey = () => `zcps-session:${role}`

// The portal this page is ('unit', 'county', …; '' before createPortal()).
export const portalRole = () => role

export function configureSession(r) {
  role = r
  // another tab's activity keeps the same session alive: take its deadline
  window.addEventListener('storage', (ev) => {
    if (ev.key !== shareKey() || !ev.newValue || !session.user) return
    try {
      const v = JSON.parse(ev.newValue)
      if (v.user === session.user.id && Number(v.deadline) > session.deadline) {
        session.deadline = Math.min(Number(v.deadline), session.absDeadline || Infinity)
      }
    } catch {
      // not ours
    }
  })
}

function share() {
  if (!role || !session.user) return
  try {
    localStorage.setItem(shareKey(), JSON.stringify({ user: session.user.id, deadline: session.deadline }))
  } catch {
    // storage unavailable: each tab counts for itself
  }
}

function setTiming(t) {
  if (!t || typeof t !== 'object') return
  const now = Date.now()
  session.idleMin = Number(t.idle_min) || 0
  session.absHours = Number(t.abs_hours) || 0
  if (Number.isFinite(Number(t.abs_left))) session.absDeadline = now + Number(t.abs_left) * 1000
  if (Number.isFinite(Number(t.idle_left))) session.deadline = now + Number(t.idle_left) * 1000
  share()
}

// An answer of a live session (any but login/me, which say exactly): the idle period restarts.
export function noteActivity() {
  if (!session.user || !session.idleMin) return
  let d = Date.now() + session.idleMin * 60 * 1000 - TOUCH_SLACK_MS
  if (session.absDeadline) d = Math.min(d, session.absDeadline)
  if (d > session.deadline) {
    session.deadline = d
    share()
  }
}

export function setSession(data) {
  session.user = (data && data.user) || null
  session.org = (data && data.org) || null
  setCsrf(data && data.csrf)
  setTiming(data && data.session)
  session.loaded = true
}

export function clearSession() {
  session.user = null
  session.org = null
  session.idleMin = 0
  session.absHours = 0
  session.deadline = 0
  session.absDeadline = 0
  setCsrf('')
  session.loaded = true
}

// Asks the server who is signed in; a 401 just means nobody.
export async function loadSession() {
  try {
    setSession(await api.get('me', { quiet401: true }))
  } catch (e) {
    // a 401 says nobody is signed in; any other failure says nothing (session.loaded stays false)
    if (e.status !== 401) throw e
    clearSession()
  }
}

// `me` as a sign of life (继续工作): the server restarts the idle period.
export async function keepAlive() {
  setSession(await api.get('me'))
}

export async function login(username, password) {
  const data = await api.post('login', { username, password })
  setSession(data)
  return data
}

export async function logout() {
  try {
    await api.post('logout', {}, { quiet401: true })
  } finally {
    clearSession()
  }
}

// --- logging in again without leaving the page -------------------------------------------
// requestReauth() opens the login dialog (SessionGuard.vue) once, however many requests met the
// 401, and resolves true when the same person has logged in again (their requests are then sent
// again), false when they went to the login page or another person logged in.
let reauthPromise = null
let reauthResolve = null

export function requestReauth() {
  if (!session.user) return Promise.resolve(false)
  if (!reauthPromise) {
    reauthPromise = new Promise((resolve) => {
      reauthResolve = resolve
    })
    session.reauth = true
  }
  return reauthPromise
}

function finishReauth(ok) {
  const resolve = reauthResolve
  reauthPromise = null
  reauthResolve = null
  session.reauth = false
  if (resolve) resolve(ok)
}

// Logs in from the dialog. → 'same' (the waiting requests go again) or 'other' (someone else
// logged in: the page must not send the previous person's work under their name).
export async function reauthLogin(username, password) {
  const before = session.user ? session.user.id : null
  const data = await api.post('login', { username, password })
  setSession(data)
  const same = before === null || (data.user && data.user.id === before)
  finishReauth(same)
  return same ? 'same' : 'other'
}

// The person chose the login page instead: the waiting requests fail as 401.
export function abandonReauth() {
  clearSession()
  finishReauth(false)
}

export const ROLE_NAMES = {
  applicant: '申报人员',
  unit: '用人单位经办人',
  county: '县（市、区）主管部门',
  city: '市级主管部门',
  hrb: '人力社保局',
  admin: '平台管理员',
}
