// Small UI helpers shared by the portals.
import { onBeforeUnmount, ref } from 'vue'
import { ElMessage } from 'element-plus'
import { api } from './api.js'

export const PLATFORM_NAME = '职称申报评审管理服务平台'

// Shows a server (or network) error as a Chinese message. Text only: never HTML.
export function showError(e) {
  const message = (e && e.message) || '操作失败，请稍后再试'
  ElMessage({ type: 'error', message, grouping: true, showClose: true, duration: 5000 })
}

export function showSuccess(message) {
  ElMessage({ type: 'success', message, grouping: true })
}

// true while the viewport is phone-sized (menu becomes a drawer).
export function useIsMobile(maxWidth = 768) {
  const mq = window.matchMedia(`(max-width: ${maxWidth}px)`)
  const mobile = ref(mq.matches)
  const onChange = (ev) => {
    mobile.value = ev.matches
  }
  mq.addEventListener('change', onChange)
  onBeforeUnmount(() => mq.removeEventListener('change', onChange))
  return mobile
}

// "2023-05-01T10:20:30+08:00" / "2023-05-01 10:20:30+08" -> "2023-05-01 10:20" (local time).
export function formatTime(value) {
  if (value === null || value === undefined || value === '') return '—'
  const s = String(value)
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)?$/.exec(s)
  if (!m) return s
  if (m[5]) {
    let tz = m[5]
    if (/^[+-]\d{2}$/.test(tz)) tz += ':00'
    else if (/^[+-]\d{4}$/.test(tz)) tz = `${tz.slice(0, 3)}:${tz.slice(3)}`
    const d = new Date(`${m[1]}T${m[2]}${m[3] ? m[3].slice(0, 3) : ':00'}${tz}`)
    if (!Number.isNaN(d.getTime())) {
      const p = (n) => String(n).padStart(2, '0')
      return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`
    }
  }
  return `${m[1]} ${m[2]}`
}

// A size in bytes as "1.2 MB" / "356 KB".
// Today in Beijing, "YYYY-MM-DD": the date the portal's records are dated by, whatever the
// browser's own time zone (a clerk's laptop set to another zone dated a 发文 one day early).
export function beijingToday() {
  return new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10)
}

// After a page turns or a row is decided, the keyboard goes on at row i of a list (the last
// when there are fewer): its first link or enabled button; with no row, the page's heading.
export function focusRowIn(rows, i, heading, opts = {}) {
  const row = rows.length ? rows[Math.min(i, rows.length - 1)] : null
  const target = (row && row.querySelector('a[href], button:not([disabled])')) || heading
  if (target) target.focus(opts)
}

export function formatSize(n) {
  const v = Number(n) || 0
  if (v >= 1024 * 1024) return `${(v / 1024 / 1024).toFixed(1)} MB`
  if (v >= 1024) return `${Math.round(v / 1024)} KB`
  return `${v} B`
}

// The URL of an upload as this portal's API serves it (GET <role>/uploads/<id>).
export function uploadUrl(role, id) {
  return `/api/${role}/uploads/${encodeURIComponent(String(id))}`
}

// A list page's data: GET path (a string or a function giving one) answering {items: [...]};
// the whole answer stays in `data` for what comes beside the items.
// A failure is shown, and kept in loadError as "<what>加载失败：<reason>" for the empty list;
// 401 is left to the session handling, which sends the person to the login page.
export function useList(path, what) {
  const items = ref([])
  const loading = ref(false)
  const loadError = ref('')
  const data = ref(null)
  async function load() {
    loading.value = true
    loadError.value = ''
    try {
      data.value = await api.get(typeof path === 'function' ? path() : path)
      items.value = Array.isArray(data.value.items) ? data.value.items : []
    } catch (e) {
      if (e.status !== 401) {
        loadError.value = `${what}加载失败：${e.message}`
        showError(e)
      }
    } finally {
      loading.value = false
    }
  }
  return { items, loading, loadError, load, data }
}
