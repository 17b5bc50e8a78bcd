// Nothing typed in the wizard is lost (issue 11, finding 9), in headless Chromium against the
// real stack:
//   PORTAL_URL=http://127.0.0.1:8080 node --test tests/browser/wizard-keep.test.mjs
// 1. the network goes away while the 述职 is being typed: the state line says 未保存, switching
//    steps and coming back shows every character, and once online the server gets them all; a
//    save that keeps failing survives a reload of the page and is retried by itself;
// 2. the session expires on the server mid-typing: the save's 401 opens a login dialog on the
//    same page, logging in there sends the save again (new session, new CSRF token) and the
//    server has every character;
// 3. logging out while something is kept only in the browser asks whether to keep it there;
// 4. two tabs of one draft: a save over what the other tab saved meanwhile is refused by the
//    server (the part's digest, application.revs) and the tab asks which text to keep;
// 5. two minutes before the idle timeout a warning counts down (the page's clock is driven by
//    Playwright's page.clock), 继续工作 keeps the session; past the timeout the login dialog opens;
// 4b. two tabs while the network is gone: the second tab's edit does not overwrite the first
//    tab's kept text, and a tab that finds its kept text saved by another does not ask;
// 6. a 自评分 is taken as typed: 116.95 is refused beside the field and not saved (rounded to one
//    decimal it had read 117.0 and passed).
// Screenshots: tests/out/screenshots/keep-*.png. Fails on any Content-Security-Policy violation.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loginAs, sql } from '../integration/lib.mjs'
import {
  afterCleanup, completeProfile, newApplicant, newApplication, putProfile, tinyPdf,
} from '../integration/applicant-fixtures.mjs'
import { BASE, SHOTS, TIMEOUT, flow } from './harness.mjs'

const h = flow('keep', { viewport: { width: 1366, height: 800 } })
const { newPage, guard, cspErrors } = h

let who // the applicant (fixtures: registered, complete profile)
let appId

before(async () => {
  await h.launch()
  who = await newApplicant()
  await putProfile(who.s, await completeProfile())
  appId = (await newApplication(who.s)).application.id
})

after(async () => {
  await h.close()
  await afterCleanup()
})

async function shot(page, name, { dialog = false } = {}) {
  if (dialog) await page.waitForTimeout(500) // the dialog's fade-in
  // a dialog's overlay covers the window only: the window, not the whole page
  await page.screenshot({ path: `${SHOTS}keep-${name}.png`, fullPage: !dialog })
}

// Opens the wizard at step n, logging in on the login page when it leads there.
async function openWizard(page, n) {
  await page.goto(`${BASE}/applicant/#/applications/${appId}/wizard?step=${n}`, { waitUntil: 'domcontentloaded' })
  const step = page.locator(`.wizard-body[data-step="${n}"]`)
  await page.locator(`#login-username, .wizard-body[data-step="${n}"]`).first().waitFor()
  if (await step.count()) return
  await page.locator('#login-username').fill(who.idcard)
  await page.locator('#login-password').fill(who.password)
  await page.locator('.login-submit').click()
  await step.waitFor()
}

const isInfoPut = (r) => r.request().method() === 'PUT' && new URL(r.url()).pathname === `/api/applicant/applications/${appId}/info`

// Types like a person (key by key), at the end of the 述职.
async function type(page, text) {
  const box = page.locator('#wz-statement')
  await box.focus()
  await page.keyboard.press('End')
  await box.pressSequentially(text, { delay: 15 })
}

async function serverStatement() {
  return sql(`SELECT coalesce(statement, '') FROM application WHERE id = ${Number(appId)}`)
}

async function waitServer(want) {
  const deadline = Date.now() + TIMEOUT
  let got
  while (Date.now() < deadline) {
    got = await serverStatement()
    if (got === want) return
    await new Promise((r) => setTimeout(r, 200))
  }
  assert.equal(got, want, 'the server has every character')
}

async function waitFor(cond, what = 'the server has it') {
  const deadline = Date.now() + TIMEOUT
  while (Date.now() < deadline) {
    if (await cond()) return
    await new Promise((r) => setTimeout(r, 200))
  }
  assert.fail(what)
}

const state = (page) => page.locator('.save-state')

const PARTS = [
  '本人自2010年参加工作以来，',
  '一直从事房屋建筑工程施工技术与管理工作，',
  '先后主持金华市婺城区安置房工程的施工组织设计；',
  '解决深基坑支护和大体积混凝土温控等技术难题，',
  '项目获金华市优质结构工程奖。',
]
const upTo = (n) => PARTS.slice(0, n).join('') // the first n parts

describe('typed text is kept until the server has it', () => {
  let desk

  before(async () => {
    desk = await newPage()
  })
  after(async () => {
    if (desk) await desk.context.close()
  })

  test('offline: kept across a step switch, saved when the network is back', async () => {
    const { page, context } = desk
    await guard(page, 'offline', async () => {
      await openWizard(page, 3)
      try {
        await offlineTyping(page, context)
      } finally {
        await context.setOffline(false)
      }
    })
  })

  // (the failure probe: a file arriving after its step's page was gone was stored and never
  // attached, while the wizard said 已保存)
  test('a file on its way when the step is changed: the step waits for it, and it is attached', async () => {
    const { page } = desk
    await guard(page, 'upload-step', async () => {
      await openWizard(page, 6)
      const slot = page.locator('.file-block[data-kind="summary"]')
      await slot.waitFor()
      await page.route('**/api/applicant/uploads', async (r) => {
        await new Promise((resolve) => setTimeout(resolve, 1500))
        await r.continue()
      })
      try {
        const dir = await mkdtemp(join(tmpdir(), 'zcps-keep-'))
        const file = join(dir, '任职期间技术总结.pdf')
        await writeFile(file, tinyPdf('summary'))
        await slot.locator('input[type=file]').setInputFiles(file)
        await slot.getByText('正在上传：任职期间技术总结.pdf').waitFor()
        await page.locator('.wizard-prev').click()
        await page.getByText('附件正在上传，上传完成后继续').waitFor()
        await page.locator('.wizard-body[data-step="5"]').waitFor({ timeout: TIMEOUT })
        await rm(dir, { recursive: true, force: true })
      } finally {
        await page.unroute('**/api/applicant/uploads')
      }
      const files = (await who.s.get(`/applications/${appId}`)).json.application.files.summary || []
      assert.deepEqual(files.map((f) => f.name), ['任职期间技术总结.pdf'], 'attached, not only uploaded')
    })
  })

  async function offlineTyping(page, context) {
    const first = page.waitForResponse(isInfoPut)
    await type(page, PARTS[0])
    assert.equal((await first).status(), 200)
    await state(page).filter({ hasText: /已保存 \d{2}:\d{2}:\d{2}/ }).waitFor()
    await waitServer(upTo(1))

    await context.setOffline(true)
    await type(page, PARTS[1])
    await page.waitForTimeout(1000) // the pause after which a save is sent (and fails)
    await shot(page, '01-offline-typed')

    // to step 4 and back: the part typed offline is still there
    await page.locator('.wizard-next').click()
    await page.locator('.wizard-body[data-step="4"]').waitFor()
    await page.locator('.wizard-prev').click()
    await page.locator('.wizard-body[data-step="3"]').waitFor()
    assert.equal(await page.locator('#wz-statement').inputValue(), upTo(2), 'every character after a step switch')
    await state(page).filter({ hasText: '未保存（网络异常，已暂存在本机）' }).waitFor()
    assert.equal(await serverStatement(), upTo(1), 'the server has not had the offline part yet')
    await shot(page, '02-offline-step-back')

    // online again: it is sent by itself
    const resent = page.waitForResponse((r) => isInfoPut(r) && r.request().postDataJSON().statement === upTo(2))
    await context.setOffline(false)
    assert.equal((await resent).status(), 200)
    await waitServer(upTo(2))
    await state(page).filter({ hasText: /已保存 \d{2}:\d{2}:\d{2}/ }).waitFor()
    const kept = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('zcps-draft:')))
    assert.deepEqual(kept, [], 'the confirmed copy is gone from the browser')
  }

  test('a save that keeps failing survives a reload and is retried by itself', async () => {
    const { page } = desk
    await guard(page, 'reload', async () => {
      await openWizard(page, 3)
      const before = await serverStatement()
      // the network answers nothing to the saves (the page itself still loads)
      const cut = (route) => route.abort('internetdisconnected')
      const url = `**/api/applicant/applications/${appId}/info`
      await page.route(url, cut)
      try {
        const failing = page.waitForEvent('requestfailed', (r) => r.method() === 'PUT')
        await type(page, PARTS[2])
        await failing
        await page.reload({ waitUntil: 'domcontentloaded' })
        await page.locator('.wizard-body[data-step="3"]').waitFor()
        assert.equal(await page.locator('#wz-statement').inputValue(), before + PARTS[2], 'every character after a reload')
        await state(page).filter({ hasText: '未保存（网络异常' }).waitFor()
        assert.equal(await serverStatement(), before)
        await shot(page, '03-reloaded-unsaved')
      } finally {
        await page.unroute(url, cut)
      }
      // the back-off retry (a few seconds) sends it without anyone clicking
      await waitServer(before + PARTS[2])
      await state(page).filter({ hasText: /已保存/ }).waitFor()
    })
  })

  test('session expired mid-typing: log in again in a dialog, the save is retried', async () => {
    const { page } = desk
    await guard(page, 'reauth', async () => {
      await openWizard(page, 3)
      const before = await serverStatement()
      const wizardUrl = page.url()
      await sql(`UPDATE session SET last_seen = now() - interval '31 minutes' WHERE user_id = ${Number(who.id)} AND ended_at IS NULL`)
      const refused = page.waitForResponse(isInfoPut)
      await type(page, PARTS[3])
      assert.equal((await refused).status(), 401)
      const dlg = page.locator('.reauth-dialog')
      await page.locator('.reauth-dialog, #login-username').first().waitFor()
      assert.equal(await page.locator('#login-username').count(), 0, 'not sent to the login page')
      assert.equal(page.url(), wizardUrl, 'still on the wizard')
      await dlg.waitFor()
      await state(page).filter({ hasText: '未保存（登录已失效' }).waitFor()
      assert.equal(await page.locator('#wz-statement').inputValue(), before + PARTS[3])
      await shot(page, '04-session-expired-dialog', { dialog: true })

      await dlg.locator('#reauth-username').fill(who.idcard)
      await dlg.locator('#reauth-password').fill(who.password)
      const login = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/applicant/login')
      const retried = page.waitForResponse((r) => isInfoPut(r) && r.request().postDataJSON().statement === before + PARTS[3])
      await dlg.locator('.reauth-submit').click()
      const fresh = await (await login).json()
      const again = await retried
      assert.equal(again.status(), 200, 'the save went again after the login')
      assert.equal(again.request().headers()['x-csrf-token'], fresh.csrf, 'with the new session\'s CSRF token')
      await dlg.waitFor({ state: 'hidden' })
      await waitServer(before + PARTS[3])
      // typing goes on as before
      await type(page, PARTS[4])
      await waitServer(before + PARTS[3] + PARTS[4])
      await state(page).filter({ hasText: /已保存 \d{2}:\d{2}:\d{2}/ }).waitFor()
      assert.equal(page.url(), wizardUrl)
      await shot(page, '05-after-login-saved')
    })
  })
})

// (the failure probe: two tabs of one draft each said 已保存, and the last save won unseen)
describe('two tabs of one draft', () => {
  test('a save over what the other tab saved is not made: the tab asks which to keep', async () => {
    const { context, page: a } = await newPage()
    let b
    try {
      await guard(a, 'two-tabs', async () => {
        await openWizard(a, 3)
        b = await context.newPage() // the same browser: the same session
        b.setDefaultTimeout(TIMEOUT)
        b.problems = []
        await openWizard(b, 3)
        const start = await serverStatement()
        assert.equal(await b.locator('#wz-statement').inputValue(), start)
        await type(a, '（甲）')
        await waitServer(`${start}（甲）`)
        await state(a).filter({ hasText: '已保存' }).waitFor()
        // B still shows the text from before A's save
        const refused = b.waitForResponse((r) => isInfoPut(r) && r.status() === 409)
        await type(b, '（乙）')
        await refused
        const banner = b.locator('.keep-conflict')
        await banner.waitFor()
        assert.match(await banner.innerText(), /第 3 步「申报信息」/)
        assert.match(await state(b).innerText(), /未保存/)
        assert.equal(await serverStatement(), `${start}（甲）`, 'what A saved stays')
        await shot(b, '09-two-tabs-conflict')
        // B keeps its own text: saved over A's, by the person's choice
        await banner.locator('.keep-local').click()
        await waitServer(`${start}（乙）`)
        await banner.waitFor({ state: 'hidden' })
        await state(b).filter({ hasText: '已保存' }).waitFor()
        // now A is behind: its next save is refused too, and it takes the server's text
        const refusedA = a.waitForResponse((r) => isInfoPut(r) && r.status() === 409)
        await type(a, '（丙）')
        await refusedA
        const bannerA = a.locator('.keep-conflict')
        await bannerA.waitFor()
        await bannerA.locator('.keep-server').click()
        await bannerA.waitFor({ state: 'hidden' })
        assert.equal(await a.locator('#wz-statement').inputValue(), `${start}（乙）`)
        assert.equal(await serverStatement(), `${start}（乙）`)
      })
    } finally {
      await context.close()
    }
  })
})

// (the resilience probe: during an outage a second tab's edit wrote its whole copy over the
// first tab's kept 述职, and closing the first tab lost it; after an outage, a tab whose kept
// text another tab had saved asked which of two equal texts to keep)
describe('two tabs of one draft, the network gone', () => {
  test('a second tab\'s edit does not overwrite what the first kept; a new tab saves it', async () => {
    const { context, page: a } = await newPage()
    const url = `**/api/applicant/applications/${appId}/info`
    const cut = (route) => route.abort('internetdisconnected')
    try {
      await guard(a, 'two-tabs-outage', async () => {
        await openWizard(a, 3)
        const b = await context.newPage()
        b.setDefaultTimeout(TIMEOUT)
        b.problems = []
        await openWizard(b, 3)
        const start = await serverStatement()
        await context.route(url, cut)
        const failing = a.waitForEvent('requestfailed', (r) => r.method() === 'PUT')
        await type(a, '（甲停库时输入）')
        await failing
        await state(a).filter({ hasText: '未保存（网络异常' }).waitFor()
        // B, which still shows the text from before, is not let overwrite A's kept text
        await type(b, '（乙）')
        await state(b).filter({ hasText: '另一个窗口' }).waitFor()
        await shot(b, '11-two-tabs-outage-clash')
        await a.close()
        await b.close()
        await context.unroute(url, cut)
        // the network is back; a tab opened now finds A's text kept and saves it
        const { page: c } = { page: await context.newPage() }
        c.setDefaultTimeout(TIMEOUT)
        c.problems = []
        await openWizard(c, 3)
        await waitServer(`${start}（甲停库时输入）`)
        assert.equal(await c.locator('#wz-statement').inputValue(), `${start}（甲停库时输入）`)
        await state(c).filter({ hasText: '已保存' }).waitFor()
      })
    } finally {
      await context.close()
    }
  })

  test('a kept text another tab saved meanwhile is saved: no choice between equal texts', async () => {
    const { context, page: a } = await newPage()
    const url = `**/api/applicant/applications/${appId}/info`
    const cut = (route) => route.abort('internetdisconnected')
    try {
      await guard(a, 'two-tabs-same', async () => {
        await openWizard(a, 3)
        const start = await serverStatement()
        await a.route(url, cut) // A's network only
        const failing = a.waitForEvent('requestfailed', (r) => r.method() === 'PUT')
        await type(a, '（丁）')
        await failing
        // a second tab opens with A's kept text and saves it
        const c = await context.newPage()
        c.setDefaultTimeout(TIMEOUT)
        c.problems = []
        await openWizard(c, 3)
        await waitServer(`${start}（丁）`)
        // A's own retry is refused (what it was based on changed) and finds the server has it
        const refused = a.waitForResponse((r) => isInfoPut(r) && r.status() === 409)
        await a.unroute(url, cut)
        await refused
        await state(a).filter({ hasText: '已保存' }).waitFor()
        assert.equal(await a.locator('.keep-conflict').count(), 0, 'no choice is asked')
        assert.equal(await serverStatement(), `${start}（丁）`)
      })
    } finally {
      await context.close()
    }
  })
})

describe('logging out with edits the server has not had', () => {
  test('the person is asked; 删除并退出 leaves nothing in the browser', async () => {
    const { context, page } = await newPage()
    try {
      await guard(page, 'logout', async () => {
        await openWizard(page, 3)
        const url = `**/api/applicant/applications/${appId}/info`
        await page.route(url, (route) => route.abort('internetdisconnected'))
        const failing = page.waitForEvent('requestfailed', (r) => r.method() === 'PUT')
        await type(page, '（未完）')
        await failing
        await page.locator('.logout').click()
        const box = page.locator('.el-message-box', { hasText: '尚有未保存的修改' })
        await box.waitFor()
        assert.match(await box.innerText(), /1 项修改还没有保存到服务器/)
        await shot(page, '08-logout-unsaved', { dialog: true })
        await box.getByRole('button', { name: '删除并退出' }).click()
        await page.locator('#login-username').waitFor()
        const kept = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('zcps-draft:')))
        assert.deepEqual(kept, [])
      })
    } finally {
      await context.close()
    }
  })
})

describe('the idle timeout is announced', () => {
  test('a warning 2 minutes before, 继续工作 keeps the session; past it, the login dialog', async () => {
    const { context, page } = await newPage({ clock: true })
    try {
      await guard(page, 'idle', async () => {
        await openWizard(page, 3)
        assert.equal(await page.locator('#wz-statement').inputValue(), await serverStatement())
        assert.equal(await page.locator('.idle-warning').isVisible(), false)
        // 27 minutes later nothing yet; at 28 and a half the warning counts down
        await page.clock.fastForward('27:00')
        await page.waitForTimeout(300)
        assert.equal(await page.locator('.idle-warning').isVisible(), false, 'no warning 3 minutes before')
        await page.clock.fastForward('01:30')
        const warn = page.locator('.idle-warning')
        await warn.waitFor()
        assert.match(await warn.innerText(), /闲置 30 分钟[\s\S]*\d:\d{2}/)
        await shot(page, '06-idle-warning', { dialog: true })
        const [me] = await Promise.all([
          page.waitForResponse((r) => new URL(r.url()).pathname === '/api/applicant/me'),
          warn.locator('.idle-continue').click(),
        ])
        assert.equal(me.status(), 200)
        await warn.waitFor({ state: 'hidden' })
        // the idle period starts again from here
        await page.clock.fastForward('20:00')
        await page.waitForTimeout(300)
        assert.equal(await page.locator('.idle-warning').isVisible(), false, 'continued: no warning 20 minutes on')
        // nobody there: past the timeout the page asks for the login at once
        await page.clock.fastForward('11:00')
        await page.locator('.reauth-dialog').waitFor()
        assert.equal(await page.locator('.idle-warning').isVisible(), false)
        await shot(page, '07-idle-timeout-dialog', { dialog: true })
      })
    } finally {
      await context.close()
    }
  })
})

describe('a 自评分 is taken as typed', () => {
  test('116.95 is not rounded up to 117: it is refused there, unsaved; 116.9 and 117 are saved', async () => {
    // (a session of its own: the suites before it let the first one expire)
    const s = await loginAs('applicant', who.idcard, who.password)
    const r = await s.request('PUT', `/applications/${appId}/info`, { json: { method: 'self' } })
    assert.equal(r.status, 200, r.text)
    const { page, context } = await newPage()
    try {
      await openWizard(page, 3)
      const box = page.locator('input#wz-self-score')
      const item = page.locator('.el-form-item', { has: page.locator('#wz-self-score') })
      const score = () => sql(`SELECT coalesce((self_score * 10)::int::text, '') FROM application WHERE id = ${Number(appId)}`)
      const enter = async (v) => {
        await box.fill(v)
        await box.blur()
      }
      await enter('117')
      await waitFor(async () => (await score()) === '1170')
      // rounded to one decimal (the input's precision) it read 117.0, was saved so and passed the check
      await enter('116.95')
      await item.locator('.el-form-item__error', { hasText: '最多保留一位小数' }).waitFor()
      assert.equal(await box.inputValue(), '116.95')
      await page.waitForTimeout(1500) // an autosave's delay: nothing goes out
      assert.equal(await score(), '1170', 'a score of two decimals is not saved')
      // and the page does not say 已保存 over a score it did not send (it did: 117 stood, and went in)
      await state(page).filter({ hasText: '未保存' }).waitFor()
      await shot(page, 'score-two-decimals')
      await enter('116.9')
      await item.locator('.el-form-item__error', { hasText: '须达到 117 分以上（当前 116.9）' }).waitFor()
      await waitFor(async () => (await score()) === '1169')
    } finally {
      await context.close()
    }
  })
})

describe('a 述职 pasted from a document', () => {
  test('a page break in it is a line break, and the text is saved (it was refused whole)', async () => {
    const { page, context } = await newPage()
    try {
      await openWizard(page, 3)
      await page.locator('#wz-statement').fill('第一段：施工技术管理。\f第二段：质量安全。\v完')
      await waitServer('第一段：施工技术管理。\n第二段：质量安全。\n完')
    } finally {
      await context.close()
    }
  })
})

test('no Content Security Policy violations', () => {
  assert.deepEqual(cspErrors, [])
})
