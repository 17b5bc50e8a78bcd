// What the browser tests share: where the portal is, one headless Chromium a test file, pages that
// keep their console's errors and warnings (and every Content-Security-Policy violation), and
// steps that stop at the first failure with a picture of the page and its console.
//   const h = flow('review')                 // failure pictures: tests/out/screenshots/review-failure.png
//   before(() => h.launch())                 // checks the portal answers, starts Chromium
//   after(() => h.close())
//   h.step('…', async () => { const { context, page } = await h.newPage(); … })
//   test('no Content Security Policy violations', () => assert.deepEqual(h.cspErrors, []))
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdir, readdir, rm } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'
import { BASE, DEMO_PASSWORD } from '../integration/lib.mjs'
import { CHROMIUM, CHROMIUM_ARGS } from '../integration/applicant-fixtures.mjs'

export { BASE }
export const SHOTS = fileURLToPath(new URL('../out/screenshots/', import.meta.url))
export const TIMEOUT = 15000
// The pictures each flow takes of its steps (tests/out/screenshots/<flow>-*.png) are written
// when SCREENSHOTS=1: a full-page picture costs Chromium a new layout and raster of the whole
// page, a tenth of a browser file's CPU, for files nobody reads in CI. A failure's picture
// (<flow>-failure.png) is always taken.
const PICTURES = process.env.SCREENSHOTS === '1'
const screenshotOf = new WeakMap()

// name: the screenshots' prefix (`${name}-failure.png`, `${name}-<what>-failure.png`);
// timeout: each page's default; viewport: each new context's unless newPage is given one;
// ignore: console messages that are no problem (matched on their text);
// failurePage: () => the page to picture when a step fails (default: the latest newPage, h.current).
export function flow(name, { timeout = TIMEOUT, viewport = { width: 1366, height: 860 }, ignore, failurePage } = {}) {
  const h = {
    browser: null,
    cspErrors: [],
    current: null,
    failed: false,

    // role: the program whose /health says the portal is up
    async launch(role = 'applicant') {
      try {
        await fetch(`${BASE}/api/${role}/health`, { signal: AbortSignal.timeout(5000) })
      } catch (e) {
        throw new Error(`portal not reachable at ${BASE} (start it with scripts/stack.sh start, or set PORTAL_URL): ${e.message}`)
      }
      await mkdir(SHOTS, { recursive: true })
      // the last run's failure pictures
      for (const f of await readdir(SHOTS)) if (f.startsWith(`${name}-`) && f.endsWith('-failure.png')) await rm(`${SHOTS}${f}`, { force: true })
      h.browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS })
    },

    async close() {
      if (h.browser) await h.browser.close()
    },

    // options: the context's (viewport, isMobile...); clock: install Playwright's clock first
    async newPage({ clock = false, ...options } = {}) {
      const context = await h.browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', ...options })
      if (clock) await context.clock.install()
      const page = await context.newPage()
      page.setDefaultTimeout(timeout)
      page.problems = []
      screenshotOf.set(page, page.screenshot.bind(page))
      if (!PICTURES) page.screenshot = async (o = {}) => (o.path ? Buffer.alloc(0) : screenshotOf.get(page)(o))
      const note = (problem, text) => {
        page.problems.push(problem)
        if (/Content Security Policy/i.test(text)) h.cspErrors.push(`${page.url()}: ${text}`)
      }
      page.on('console', (msg) => {
        if (msg.type() !== 'error' && msg.type() !== 'warning') return
        if (!ignore || !ignore.test(msg.text())) note(`${msg.type()}: ${msg.text()}`, msg.text())
      })
      page.on('pageerror', (e) => note(`pageerror: ${e.message}`, e.message))
      h.current = page
      return { context, page }
    },

    // A test that runs only while the steps before it succeeded.
    step(title, fn) {
      test(title, async (t) => {
        if (h.failed) {
          t.skip('an earlier step failed')
          return
        }
        try {
          await fn()
        } catch (e) {
          h.failed = true
          await blame(e, failurePage ? failurePage() : h.current, `${name}-failure.png`)
          throw e
        }
      })
    },

    // Runs fn; when it fails, pictures page as `${name}-${what}-failure.png`.
    async guard(page, what, fn) {
      try {
        await fn()
      } catch (e) {
        await blame(e, page, `${name}-${what}-failure.png`)
        throw e
      }
    },
  }
  return h
}

// The browser console of the page in the error's message, and a picture of the page.
async function blame(e, page, file) {
  if (!page || page.isClosed()) return
  if (page.problems.length) e.message += `\nbrowser console:\n${page.problems.join('\n')}`
  await (screenshotOf.get(page) ?? page.screenshot.bind(page))({ path: `${SHOTS}${file}`, fullPage: true }).catch(() => {})
}

// Waits for the answer to the request matching method + URL (regexp on the path).
export function answer(page, method, re) {
  return page.waitForResponse((r) => r.request().method() === method && re.test(new URL(r.url()).pathname))
}

// The answer's JSON (null if empty), once its status is the one expected.
export async function expectOk(resp, status = 200) {
  const text = await resp.text()
  assert.equal(resp.status(), status, `${resp.request().method()} ${resp.url()} answered ${resp.status()}: ${text}`)
  return text ? JSON.parse(text) : null
}

// Logs in on a portal's login page and waits for its 首页.
export async function login(page, role, username, password = DEMO_PASSWORD) {
  await page.goto(`${BASE}/${role}/`, { waitUntil: 'domcontentloaded' })
  await page.locator('#login-username').fill(username)
  await page.locator('#login-password').fill(password)
  await page.locator('.login-submit').click()
  await page.locator('.welcome').waitFor()
}

export async function menu(page, label) {
  await page.locator('.side-menu .el-menu-item', { hasText: label }).click()
}

// Element Plus select: open it, click the option whose text matches in its own listbox, and wait
// until the list has closed and the select holds it. A click that lands while the list is still
// opening or being drawn again can go unheard on a busy machine (once in a few full runs the list
// stayed open 15 s with the option in it): as a clerk would, click it again, at most three times.
export async function pick(page, inputSelector, text, { type } = {}) {
  const input = page.locator(inputSelector)
  const wrapper = page.locator('.el-select__wrapper', { has: input })
  await wrapper.click()
  if (type) await input.pressSequentially(type, { delay: 30 })
  const listbox = page.locator(`[id="${await input.getAttribute('aria-controls')}"]`)
  const option = listbox
    .locator('.el-select-dropdown__item')
    .filter({ hasText: text instanceof RegExp ? text : new RegExp(`^\\s*${text}`) })
    .first()
  const label = (await option.locator('span').first().innerText()).trim()
  for (let tries = 1; ; tries++) {
    await option.click()
    const closed = await listbox.waitFor({ state: 'hidden', timeout: 5000 }).then(() => true, () => false)
    if (closed) break
    assert.ok(tries < 3, `the list of ${inputSelector} stayed open after choosing ${label} ${tries} times`)
  }
  // the select holds it (shown as its label, or as typed into one that may create its option)
  await listbox.locator('.el-select-dropdown__item.is-selected', { hasText: label }).first().waitFor({ state: 'attached' })
}
