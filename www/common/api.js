// Fetch wrapper for the role's JSON API under /api/<role>/ (see docs/api.md).
//  - JSON in and out, cookies same-origin only;
//  - remembers the CSRF token returned by login/me and sends it as X-CSRF-Token on every
//    state-changing request except login and register;
//  - turns {"error":{code,message,field}} into a thrown ApiError;
//  - on 401 (session gone) calls the handler installed by the portal. The handler may answer a
//    promise (the portal's login dialog): when it resolves true the person has logged in again,
//    and the request is sent once more with the new session's CSRF token, so nothing typed is
//    lost; otherwise the 401 is thrown;
//  - a 403 `csrf` after a login in another tab (new session, new token) fetches the token of the
//    session the cookie now holds (`me`) and sends the request once more;
//  - a 403 `password_change_required` (the session's password is a one-time one) tells the portal,
//    which opens 账号设置's password form; the error is thrown as any other;
//  - tells the portal of every answer a live session gave (the idle timer counts from there).

let role = ''
let csrf = ''
let unauthorizedHandler = null
let activityHandler = null
let passwordChangeHandler = null

const NO_CSRF = new Set(['login', 'register'])
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

const STATUS_MESSAGES = {
  400: '请求有误',
  401: '登录已失效，请重新登录',
  403: '没有权限执行此操作',
  404: '请求的内容不存在',
  405: '不支持的操作',
  409: '数据已发生变化（可能已在其他窗口或由他人办理），请刷新后重试',
  413: '提交的内容过大',
  415: '不支持的数据格式',
  423: '账号已被锁定，请稍后再试',
  429: '操作过于频繁，请稍后再试',
  500: '服务器内部错误，请稍后再试',
  502: '服务暂时不可用，请稍后再试',
  503: '服务暂时不可用，请稍后再试',
  504: '服务器响应超时，请稍后再试',
}
// A change whose answer was lost on the way (the gateway's 502 / 504 without the program's own
// answer): it may have been made. Said so, instead of "try again" (the failure probe: a 退回 made,
// then told to retry, then told it had been handled by someone).
const UNKNOWN_OUTCOME = {
  502: '服务暂时不可用，本次办理的结果未知：请刷新页面，确认是否已办理后再操作',
  504: '服务器响应超时，本次办理的结果未知：请刷新页面，确认是否已办理后再操作',
}

export class ApiError extends Error {
  constructor(status, code, message, field) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.field = field || ''
  }
}

export function configureApi(options) {
  role = options.role
  if (options.onUnauthorized) unauthorizedHandler = options.onUnauthorized
  if (options.onActivity) activityHandler = options.onActivity
  if (options.onPasswordChange) passwordChangeHandler = options.onPasswordChange
}

// Calls the 401 handler; resolves true when the request should be sent again (logged in anew).
async function reauthorised(err) {
  csrf = ''
  if (!unauthorizedHandler) return false
  try {
    return (await unauthorizedHandler(err)) === true
  } catch {
    return false
  }
}

// Paths that answer without a session: their answers say nothing about the session's idle time.
const SESSIONLESS = /^(login|register|health|logout|paycallback|sign\/)/

function noteActivity(p, status) {
  if (activityHandler && status !== 401 && !SESSIONLESS.test(p)) activityHandler(p)
}

export function setCsrf(token) {
  csrf = typeof token === 'string' ? token : ''
}

function normalise(path) {
  return String(path).replace(/^\/+/, '')
}

async function request(method, path, body, opts = {}, retried = false) {
  const p = normalise(path)
  const headers = { Accept: 'application/json' }
  const init = { method, headers, credentials: 'same-origin', cache: 'no-store' }
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json'
    init.body = JSON.stringify(body)
  }
  if (UNSAFE.has(method) && !NO_CSRF.has(p) && csrf) headers['X-CSRF-Token'] = csrf

  let res
  try {
    res = await fetch(`/api/${role}/${p}`, init)
  } catch {
    throw new ApiError(0, 'network', '无法连接服务器，请检查网络后重试')
  }
  noteActivity(p, res.status)
  let data = null
  const text = await res.text()
  if (text) {
    try {
      data = JSON.parse(text)
    } catch {
      data = null
    }
  }
  if (!res.ok) {
    const e = (data && typeof data.error === 'object' && data.error) || {}
    const err = new ApiError(
      res.status,
      typeof e.code === 'string' ? e.code : `http_${res.status}`,
      typeof e.message === 'string' && e.message
        ? e.message
        : (UNSAFE.has(method) && UNKNOWN_OUTCOME[res.status]) || STATUS_MESSAGES[res.status] || `请求失败（${res.status}）`,
      typeof e.field === 'string' ? e.field : '',
    )
    err.data = data // the whole body: some errors carry more (e.g. `check`, `existing_id`)
    if (res.status === 401 && p !== 'login' && !opts.quiet401) {
      if ((await reauthorised(err)) && !retried) return request(method, path, body, opts, true)
    }
    if (res.status === 403 && err.code === 'password_change_required' && passwordChangeHandler) passwordChangeHandler(err)
    if (res.status === 403 && err.code === 'csrf' && !retried && p !== 'me') {
      // the cookie now names another session (a login in another tab): take its token
      try {
        const me = await request('GET', 'me', undefined, { quiet401: true }, true)
        if (typeof me.csrf === 'string' && me.csrf) return request(method, path, body, opts, true)
      } catch {
        // no session at all: the 403 stands
      }
    }
    throw err
  }
  if (data === null) throw new ApiError(res.status, 'bad_response', '服务器返回的数据无法识别')
  if (typeof data.csrf === 'string') csrf = data.csrf
  return data
}

// multipart POST of a FormData with progress (XHR: fetch reports no upload progress); resolves
// to the JSON answer. Returns {promise, abort}. Errors are ApiError like the JSON requests.
function sendForm(path, form, { onProgress } = {}) {
  const p = normalise(path)
  const xhr = new XMLHttpRequest()
  const promise = new Promise((resolve, reject) => {
    xhr.open('POST', `/api/${role}/${p}`)
    xhr.withCredentials = false
    xhr.setRequestHeader('Accept', 'application/json')
    if (csrf && !NO_CSRF.has(p)) xhr.setRequestHeader('X-CSRF-Token', csrf)
    if (onProgress && xhr.upload) {
      xhr.upload.addEventListener('progress', (ev) => {
        if (ev.lengthComputable && ev.total > 0) onProgress(Math.min(100, Math.round((ev.loaded / ev.total) * 100)))
      })
    }
    xhr.addEventListener('error', () => reject(new ApiError(0, 'network', '无法连接服务器，请检查网络后重试')))
    xhr.addEventListener('abort', () => reject(new ApiError(0, 'aborted', '上传已取消')))
    xhr.addEventListener('load', () => {
      noteActivity(p, xhr.status)
      let data = null
      try {
        data = xhr.responseText ? JSON.parse(xhr.responseText) : null
      } catch {
        data = null
      }
      if (xhr.status < 200 || xhr.status >= 300) {
        const e = (data && typeof data.error === 'object' && data.error) || {}
        const err = new ApiError(
          xhr.status,
          typeof e.code === 'string' ? e.code : `http_${xhr.status}`,
          typeof e.message === 'string' && e.message
            ? e.message
            : xhr.status === 413
              ? '文件过大：单个文件不超过 10MB'
              : STATUS_MESSAGES[xhr.status] || `上传失败（${xhr.status}）`,
          typeof e.field === 'string' ? e.field : '',
        )
        err.data = data
        if (xhr.status === 403 && err.code === 'password_change_required' && passwordChangeHandler) passwordChangeHandler(err)
        reject(err)
        return
      }
      if (data === null) {
        reject(new ApiError(xhr.status, 'bad_response', '服务器返回的数据无法识别'))
        return
      }
      resolve(data)
    })
    xhr.send(form)
  })
  return { promise, abort: () => xhr.abort() }
}

// A multipart request sent again, once, after a 401 the login dialog resolved: the page and
// what was chosen stay. once() makes a fresh {promise, abort}.
function withReauth(once) {
  let current = null
  let aborted = false
  const attempt = (retried) => {
    current = once()
    return current.promise.catch(async (err) => {
      if (err.status === 401 && !retried && !aborted && (await reauthorised(err))) return attempt(true)
      throw err
    })
  }
  const promise = attempt(false)
  return {
    promise,
    abort: () => {
      aborted = true
      if (current) current.abort()
    },
  }
}

// multipart upload of one file (part name `file`) with progress; resolves to the JSON answer.
// Returns {promise, abort}. Errors are ApiError like the JSON requests.
function upload(path, file, { onProgress, field = 'file' } = {}) {
  return withReauth(() => {
    const form = new FormData()
    form.append(field, file, file.name || 'file')
    return sendForm(path, form, { onProgress })
  })
}

export const api = {
  upload,
  // a form with text parts and files (e.g. a unit's registration with its 授权委托书)
  form: (path, form, opts) => withReauth(() => sendForm(path, form, opts)),
  get: (path, opts) => request('GET', path, undefined, opts),
  post: (path, body = {}, opts) => request('POST', path, body, opts),
  put: (path, body = {}, opts) => request('PUT', path, body, opts),
  patch: (path, body = {}, opts) => request('PATCH', path, body, opts),
  del: (path, opts) => request('DELETE', path, undefined, opts),
}

// The URL of a path of the role's API, for links (downloads) rather than fetches.
export function apiUrl(p) {
  return `/api/${role}/${p}`
}

// Path segment helper: ids from the server are put into URLs only through this.
export function seg(v) {
  return encodeURIComponent(String(v))
}
