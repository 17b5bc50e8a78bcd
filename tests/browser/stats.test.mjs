// 统计分析 (issue 9) in headless Chromium, against the real stack:
//   PORTAL_URL=http://127.0.0.1:8080 node --test tests/browser/stats.test.mjs
// Two applications of new applicants under a plan of the test's own are taken to the county of
// 婺城区 through the API and decided there (one passed, one returned). Then, by clicking: the
// county reviewer opens 统计分析 from the menu; the chart library is fetched only then; the
// six charts are drawn (pixels on their canvases); the plan filter narrows the figures to the
// two applications and the export link follows it. The operator's dashboard draws the whole
// platform. Screenshots: tests/out/screenshots/stats-*.png.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { loginAs, registerApplicant, retire, sql, sqlInt } from '../integration/lib.mjs'
import { newDrafts } from '../integration/drafts.mjs'
import { BASE, SHOTS, flow, login } from './harness.mjs'

// the login page asks who is signed in first: its 401 is expected
const h = flow('stats', { ignore: /status of 401/ })
const { step } = h

const CHARTS = ['step', 'region', 'category', 'method', 'decision', 'days']

let plan
let planName
const apps = []

before(async () => {
  await h.launch('county')

  // the fixture: two applications at the county of 婺城区, one passed and one returned there
  planName = `统计页面测试计划 ${Date.now()}`
  plan = await sqlInt(`INSERT INTO plan (year, name, level, opens_on, closes_on)
      VALUES (2023, '${planName}', 'mid', current_date, current_date + 1) RETURNING id`)
  const hongda = await loginAs('unit', 'unit_hongda')
  const county = await loginAs('county', 'wucheng_jsj')
  for (const action of ['pass', 'return']) {
    const who = await registerApplicant()
    const [app] = await newDrafts(1, { applicant: who.idcard, plan })
    apps.push(app)
    const person = await loginAs('applicant', who.idcard, who.password)
    assert.equal((await person.post(`/applications/${app}/submit`)).status, 200)
    assert.equal((await hongda.post(`/applications/${app}/move`, { action: 'pass', step: 2, text: '资格审查通过' })).status, 200)
    await sql(`INSERT INTO publicity (application_id, step_seq, starts_on, created_by)
        SELECT ${app}, 3, current_date - 14, id FROM app_user WHERE username = 'unit_hongda'`)
    assert.equal((await hongda.post(`/applications/${app}/move`, { action: 'pass', step: 3, text: '推荐上报' })).status, 200)
    await sql(`UPDATE application SET paid_at = now() WHERE id = ${app}`)
    const r = await county.post(`/applications/${app}/move`, { action, step: 4, text: action === 'pass' ? '同意' : '请补充材料' })
    assert.equal(r.status, 200, r.text)
  }
})

after(async () => {
  if (apps.length) await retire(`id IN (${apps.join(', ')})`).catch(() => {})
  await h.close()
})

// A page that also lists the scripts it fetched.
async function newPage() {
  const opened = await h.newPage()
  opened.page.scripts = []
  opened.page.on('request', (r) => {
    if (r.resourceType() === 'script') opened.page.scripts.push(new URL(r.url()).pathname)
  })
  return opened
}

// Opens 统计分析 from the menu; returns the figures the page was given.
async function openDashboard(page) {
  const [resp] = await Promise.all([
    page.waitForResponse((r) => new URL(r.url()).pathname.endsWith('/stats')),
    page.locator('.side-menu .el-menu-item', { hasText: '统计分析' }).click(),
  ])
  assert.equal(resp.status(), 200, await resp.text())
  await page.waitForURL(/#\/stats/)
  return resp.json()
}

// How many pixels of a chart's canvas are painted (not transparent).
async function painted(page, key) {
  const canvas = page.locator(`.chart-${key} canvas`).first()
  await canvas.waitFor()
  return canvas.evaluate((c) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data
    let n = 0
    for (let i = 3; i < d.length; i += 4) if (d[i] !== 0) n++
    return n
  })
}

// Waits until every chart has drawn something (ECharts animates its first frames).
async function chartsDrawn(page) {
  for (const key of CHARTS) {
    let n = 0
    for (let i = 0; i < 40 && n < 500; i++) {
      n = await painted(page, key)
      if (n < 500) await page.waitForTimeout(100)
    }
    assert.ok(n >= 500, `the ${key} chart is drawn (${n} pixels)`)
    const box = await page.locator(`.chart-${key}`).boundingBox()
    assert.ok(box.width > 300 && box.height >= 200, `the ${key} chart has room: ${JSON.stringify(box)}`)
    assert.match(await page.locator(`.chart-${key}`).getAttribute('aria-label'), /件|工作日/, `${key} says what it shows`)
  }
}

step('the county: 统计分析 loads the charts only when opened, and draws them', async () => {
  const { context, page } = await newPage()
  await login(page, 'county', 'wucheng_jsj')
  assert.ok(!page.scripts.some((s) => /\/Dashboard-/.test(s)), 'no chart code before the page is opened')
  const fig = await openDashboard(page)
  assert.ok(page.scripts.some((s) => /\/Dashboard-/.test(s)), 'the chart code comes with the page')
  assert.ok(fig.total >= 2 && fig.decisions.total >= 2, JSON.stringify(fig.decisions))
  await chartsDrawn(page)
  await page.locator('.tile-total .tile-value').waitFor()
  assert.equal(await page.locator('.tile-total .tile-value').innerText(), String(fig.total))
  assert.match(await page.locator('.stats-scope').innerText(), /婺城区住房和城乡建设局/)
  await page.screenshot({ path: `${SHOTS}stats-county.png`, fullPage: true })
  assert.deepEqual(page.problems, [])
  await context.close()
})

step('the county: the plan filter narrows the figures, the export follows it', async () => {
  const { context, page } = await newPage()
  await login(page, 'county', 'wucheng_jsj')
  await openDashboard(page)
  await page.locator('.stats-plan').click()
  const [resp] = await Promise.all([
    page.waitForResponse((r) => new URL(r.url()).pathname.endsWith('/stats') && new URL(r.url()).searchParams.get('plan') === String(plan)),
    page.locator('.el-select-dropdown__item', { hasText: planName }).click(),
  ])
  const fig = await resp.json()
  assert.equal(fig.total, 2)
  assert.deepEqual(fig.decisions, { pass: 1, return: 1, reject: 0, total: 2, pass_rate: 50, return_rate: 50, reject_rate: 0 })
  await page.waitForURL(new RegExp(`plan=${plan}`))
  await page.locator('.tile-total .tile-value', { hasText: /^2$/ }).waitFor()
  assert.equal(await page.locator('.tile-pass .tile-value').innerText(), '50.0%')
  assert.equal(await page.locator('.tile-return .tile-value').innerText(), '50.0%')
  await chartsDrawn(page)
  // the table of steps: step 4, one passed and one returned, decided the day they arrived
  const row = page.locator('.stats-table .el-table__body-wrapper tbody tr').first()
  assert.match(await row.innerText(), /县（市、区）建设初评委资格审查\s+1\s+1\s+0\s+2\s+50\.0%\s+0\.0\s+0\.0\s+0\.0/)
  const href = await page.locator('.stats-export').getAttribute('href')
  assert.equal(href, `/api/county/stats.xlsx?plan=${plan}`)
  const x = await page.request.get(`${BASE}${href}`)
  assert.equal(x.status(), 200)
  assert.equal(x.headers()['content-type'], 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  await page.screenshot({ path: `${SHOTS}stats-county-plan.png`, fullPage: true })
  assert.deepEqual(page.problems, [])
  await context.close()
})

step('the operator: the whole platform, drawn the same way', async () => {
  const { context, page } = await newPage()
  await login(page, 'admin', 'admin')
  const fig = await openDashboard(page)
  assert.equal(fig.scope.org, '全平台')
  assert.ok(fig.decisions.total >= 4, 'the unit\'s decisions too')
  await chartsDrawn(page)
  assert.match(await page.locator('.stats-scope').innerText(), /全平台/)
  await page.screenshot({ path: `${SHOTS}stats-admin.png`, fullPage: true })
  assert.deepEqual(page.problems, [])
  await context.close()
})

test('no Content Security Policy violations in the flow', () => {
  assert.deepEqual(h.cspErrors, [])
})
