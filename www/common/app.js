// createPortal({role, title, menu, routes, unapproved, notices}): builds and mounts one role's
// single-page portal.
//   role   'applicant' | 'unit' | 'county' | 'city' | 'hrb' | 'admin' (API base /api/<role>/)
//   title  the portal's name shown in the top bar, e.g. '申报人员'
//   menu   [{label, path?, icon?, soon?, adminOnly?, member?, show?}]: side menu; items with soon:true
//          are shown disabled with "(即将开放)"; items with a path open that route; adminOnly items
//          only for the organisation's administrator (their routes say meta.adminOnly); member:true
//          items are a committee member's (the only ones their login sees, see menu.js);
//          show(session) hides an item from whoever it is not for
//   routes extra vue-router routes; those with meta.public are reachable without a session and
//          are shown full-page, outside the layout (e.g. the phone signing page, reached by a
//          QR code, where a one-time token is the proof); the others are shown inside the layout
//          (their path is relative to '/'); meta.menu names the menu entry a sub-page belongs to
//   unapproved {menu, home}: what an organisation not yet approved by the platform sees (the
//          server answers 403 to the rest): only these menu items' routes, `home` instead of 首页
//   notices async () => [{type, text, to?, link?}]: alerts on 首页 (e.g. the calendar's warning)
// Every portal has 登录 (/login) and 忘记密码 (/forgot), and 首页 and 账号设置 inside the layout.
import { createApp, defineComponent, h, markRaw } from 'vue'
import { createRouter, createWebHashHistory, RouterView } from 'vue-router'
import { ElMessage } from 'element-plus'
import { api, configureApi } from './api.js'
import { session, clearSession, configureSession, loadSession, noteActivity, requestReauth } from './session.js'
import { loadReference } from './reference.js'
import { installElement } from './element.js'
import { PLATFORM_NAME } from './ui.js'
import { watchFormFields } from './a11y.js'
import Layout from './Layout.vue'
import { orgUnapproved, isOrgAdmin, isMember, mustChangePassword } from './menu.js'
// pages load when first opened: the first load of a portal is its frame, not every page
const Login = () => import('./Login.vue')
const Home = () => import('./Home.vue')
const Account = () => import('./Account.vue')
const NotFound = () => import('./NotFound.vue')
const Unavailable = () => import('./Unavailable.vue')
import './style.css'

const ForgotPassword = () => import('./ForgotPassword.vue')
const raw = (items) => items.map((item) => ({ ...item, icon: item.icon ? markRaw(item.icon) : null }))

export function createPortal({ role, title, menu = [], routes = [], unapproved = null, notices = null }) {
  const publicRoutes = routes.filter((r) => r.meta && r.meta.public)
  const privateRoutes = routes
    .filter((r) => !(r.meta && r.meta.public))
    .map((r) => ({ ...r, path: r.path.replace(/^\/+/, '') }))

  const router = createRouter({
    history: createWebHashHistory(),
    routes: [
      { path: '/login', name: 'login', component: Login, meta: { public: true, title: '登录' } },
      { path: '/forgot', name: 'forgot', component: ForgotPassword, meta: { public: true, title: '忘记密码' } },
      { path: '/unavailable', name: 'unavailable', component: Unavailable, meta: { public: true, title: '服务暂时不可用' } },
      ...publicRoutes,
      {
        path: '/',
        component: Layout,
        children: [
          { path: '', name: 'home', component: Home, meta: { title: '首页' } },
          { path: 'account', name: 'account', component: Account, meta: { title: '账号设置' } },
          ...privateRoutes,
          // an address with no page: said so (after the login, like any page of the portal)
          { path: ':pathMatch(.*)*', name: 'notfound', component: NotFound, meta: { title: '页面不存在' } },
        ],
      },
    ],
    scrollBehavior: () => ({ top: 0 }),
  })

  let sessionError = null
  let pending = null // the page being opened, where a reload for a missing file lands (below)
  router.beforeEach(async (to) => {
    pending = to.fullPath
    if (!session.loaded) {
      try {
        await loadSession()
      } catch (e) {
        sessionError = e
      }
    }
    if (to.meta.public) {
      // A signed-in person has nothing to do on the login, registration or 忘记密码 page: the
      // page they were sent there from, or 首页
      if (session.user && ['login', 'register', 'forgot'].includes(to.name)) {
        const r = to.query.redirect
        return typeof r === 'string' && r.startsWith('/') && !r.startsWith('//') ? r : { name: 'home' }
      }
      return true
    }
    // the service did not say who is signed in (not a 401): not a logout
    if (!session.loaded) {
      sessionError = null
      return { name: 'unavailable', query: { redirect: to.fullPath } }
    }
    if (!session.user) {
      return { name: 'login', query: to.fullPath && to.fullPath !== '/' ? { redirect: to.fullPath } : {} }
    }
    // A password someone else chose: 账号设置's password form, nowhere else, until it is the
    // person's own (the server refuses everything else with 403 password_change_required)
    if (mustChangePassword()) return to.name === 'account' ? true : { name: 'account' }
    // Until the platform approves the organisation, only its registration and the account
    // (the server answers 403 to everything else, GET reference included).
    if (unapproved && orgUnapproved()) {
      const open = new Set(unapproved.menu.map((m) => m.path).filter(Boolean))
      return open.has(to.path) ? true : unapproved.home
    }
    if (to.meta.adminOnly && !isOrgAdmin()) return { name: 'home' }
    // a committee member's login has its ballots and its account, nothing of the desk
    if (isMember() && router.hasRoute('ballots') && !(to.meta.member || to.name === 'home' || to.name === 'account')) {
      return { name: 'ballots' }
    }
    // the labels of states and actions, once per portal; a page still works without them
    await loadReference().catch(() => {})
    return true
  })
  // A page's code is loaded when first opened; after a new deployment the old file names are
  // gone, so load the new version of the portal once (then just report the failure). A page
  // whose script is cached but whose CSS is gone fails in Vite's preload ("Unable to preload
  // CSS"): the first-day walk's click on a menu item then did nothing at all.
  router.onError((err, to) => {
    const missing = /dynamically imported module|Importing a module script failed|error loading dynamically|Unable to preload CSS/i.test(
      String(err && err.message),
    )
    if (!missing) return
    const key = 'zcps-reloaded'
    if (to && !sessionStorage.getItem(key)) {
      sessionStorage.setItem(key, '1')
      window.location.hash = to.fullPath
      window.location.reload()
      return
    }
    sessionStorage.removeItem(key)
    ElMessage({ type: 'error', message: '页面加载失败，请刷新浏览器后重试', showClose: true, duration: 5000 })
  })
  // Any other part loaded when first needed (the login dialog, the charts, a dialog's code)
  // meets the same after a deployment, outside the router: the clerks' walk had an open tab
  // hang at its login, with no word, once a lazy part's file was gone. The new version is
  // loaded (at most once in ten seconds; after that the error goes on, to the handler above
  // when it was a page).
  window.addEventListener('vite:preloadError', (event) => {
    const last = Number(sessionStorage.getItem('zcps-reload-at') || 0)
    if (Date.now() - last < 10000) return
    sessionStorage.setItem('zcps-reload-at', String(Date.now()))
    event.preventDefault()
    if (pending) window.location.hash = pending
    window.location.reload()
  })
  router.afterEach((to) => {
    pending = null
    sessionStorage.removeItem('zcps-reloaded')
    const name = to.meta && (to.meta.titleFor ? to.meta.titleFor(session) : to.meta.title)
    const page = name ? `${name} - ` : ''
    document.title = `${page}${title} - ${PLATFORM_NAME}`
    if (sessionError) {
      ElMessage({ type: 'error', message: sessionError.message, showClose: true, duration: 5000 })
      sessionError = null
    }
  })

  configureSession(role)
  configureApi({
    role,
    // The session ended while a page was open: the person logs in again in a dialog without
    // leaving the page (SessionGuard.vue), and the requests that met the 401 are sent again.
    // On the public pages (login, registration, the phone's signing page) nothing changes.
    onUnauthorized() {
      const current = router.currentRoute.value
      if (current.meta && current.meta.public) {
        clearSession()
        return false
      }
      if (session.user) return requestReauth()
      clearSession()
      router.replace({ name: 'login', query: { redirect: current.fullPath } })
      return false
    },
    onActivity: noteActivity,
    // a session the server now says has a one-time password (it was reset while a page was open
    // and the person logged in again with the new one): to the password form
    onPasswordChange() {
      if (session.user) session.user.must_change_password = true
      if (router.currentRoute.value.name !== 'account') router.replace({ name: 'account' })
    },
  })

  // A download (导出, an .xlsx) is a plain link the browser follows itself: after the session
  // ended it saved the JSON refusal as a file. The session is asked first; a 401 there opens the
  // login dialog like any request, and the link is followed once the person is back.
  const checked = new WeakSet()
  document.addEventListener(
    'click',
    async (ev) => {
      const a = ev.target instanceof Element ? ev.target.closest('a[download]') : null
      if (!a || !a.getAttribute('href')?.startsWith('/api/') || checked.has(a)) return
      ev.preventDefault()
      try {
        await api.get('me')
      } catch {
        return
      }
      checked.add(a)
      a.click()
      checked.delete(a)
    },
    true,
  )

  const Root = defineComponent({ name: 'PortalRoot', render: () => h(RouterView) })
  const app = createApp(Root)
  app.provide('portal', {
    role,
    title,
    menu: raw(menu),
    unapproved: unapproved ? { ...unapproved, menu: raw(unapproved.menu) } : null,
    notices,
  })
  installElement(app)
  app.use(router)
  router.isReady().then(() => {
    app.mount('#app')
    watchFormFields()
  })
  return app
}
