// The signed-in person, shared by every component of a portal.
import { reactive } from 'vue'
import { api, setCsrf } from './api.js'

export const session = reactive({
  loaded: false,
  user: null,
  org: null,
})

export function setSession(data) {
  session.user = (data && data.user) || null
  session.org = (data && data.org) || null
  setCsrf(data && data.csrf)
  session.loaded = true
}

export function clearSession() {
  session.user = null
  session.org = null
  setCsrf('')
  session.loaded = true
}

// Asks the server who is signed in; a 401 just means nobody.
export async function loadSession() {
  try {
    setSession(await api.get('me', { quiet401: true }))
  } catch (e) {
    clearSession()
    if (e.status !== 401) throw e
  }
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

export const ROLE_NAMES = {
  applicant: '申报人员',
  unit: '用人单位经办人',
  county: '县(市、区)主管部门',
  city: '市级主管部门',
  hrb: '人力社保局',
  admin: '平台管理员',
}
