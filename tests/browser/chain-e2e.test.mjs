// The 初级初定 chain (pipeline junior_assess, for a 市住建局局属事业单位) from 个人网络申报 to a verified
// certificate, in headless Chromium, against the real stack (issue 9, Tests):
//   PORTAL_URL=http://127.0.0.1:8080 node --test tests/browser/chain-e2e.test.mjs
// Fixtures: a bureau-affiliated unit and its clerk (SQL, applicant-fixtures.mjs), a new applicant
// registered through the API. The application is made and submitted through the API with
// tests/integration/apply.mjs (the applicant's wizard is covered click by click by
// applicant-flow.test.mjs). Everything after submission is done by clicking, in the portal of the
// organisation that owns each step:
//   ② ③ unit (/unit/): 职称申报资格审查 → 通过; 资格公示与报送: 登记公示, 推荐上报;
//   applicant (/applicant/): 申报进度 shows the fee → 缴费 → the simulated gateway → paid;
//   ④ city 市住建局 (/city/, jh_zjj): the detail shows the fee gate met → 通过;
//   ⑤ hrb 市人社局 (/hrb/, jh_rsj): worklist → 通过;
//   ⑥ city: 评审结果公示 → 登记公示, 确认结果;
//   ⑦ city: 制发文件 → 印发 a document listing the application → 办结;
//   applicant: the certificate on 申报进度 → 打印证书; its QR code, decoded from a screenshot of the
//   printed page, opens /verify/ in a browser without a session: 证书有效.
// The only time travel: each publicity's start is moved 14 days back by SQL once registered in the
// page (a publicity lasts 5 working days). The database is checked at the end: the chain's history
// (submit, six passes by the right organisations) and the certificate row.
// Screenshots: tests/out/screenshots/chain-e2e-*.png.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomInt } from 'node:crypto'
import { createRequire } from 'node:module'
import { lit, sql, sqlRows } from '../integration/lib.mjs'
import {
  JUNIOR_PLAN, afterCleanup, newApplicant, newOrg, newOrgUser, orgId, planId,
} from '../integration/applicant-fixtures.mjs'
import { apply } from '../integration/apply.mjs'
import { clerk, position } from '../integration/walk.mjs'
import { BASE, SHOTS, answer, expectOk, flow, login, menu } from './harness.mjs'

const JSQR = createRequire(import.meta.url).resolve('jsqr') // its UMD build, for the browser
const TIMEOUT = 20000
const ZJJ = '金华市住房和城乡建设局'
const RSJ = '金华市人力资源和社会保障局'

const h = flow('chain-e2e', { timeout: TIMEOUT })
const { newPage, step, cspErrors } = h

let unitOrg // { id, name }: the bureau-affiliated 事业单位
let unitUser // its clerk's username
let who // the applicant: { s, idcard, name, password, id }
let appId
let today // the database's day (Asia/Shanghai), YYYY-MM-DD
let verifyUrl = ''

before(async () => {
  await h.launch()
  today = await sql(`SELECT to_char(current_date, 'YYYY-MM-DD')`)
})

after(async () => {
  await h.close()
  await afterCleanup().catch(() => {})
})

async function shot(page, name) {
  await page.evaluate(() => window.scrollTo(0, 0))
  // transitions (a loading mask fading out, a message) finished, not caught half way
  await page.screenshot({ path: `${SHOTS}chain-e2e-${name}.png`, fullPage: true, animations: 'disabled' })
}

// The worklist narrowed by the server's search to the applicant; returns the row's locator.
async function findInWorklist(page) {
  await page.locator('.worklist-table').waitFor()
  await page.locator('#worklist-search').fill(who.name)
  const [resp] = await Promise.all([
    page.waitForResponse((r) => /\/worklist$/.test(new URL(r.url()).pathname) && new URL(r.url()).searchParams.get('q') === who.name),
    page.locator('#worklist-search').press('Enter'),
  ])
  const body = await expectOk(resp)
  assert.ok(body.items.some((i) => i.id === appId), `the search for ${who.name} finds application ${appId}`)
  // the row by its 申报编号 (names of test applicants may repeat)
  const row = page.locator('.worklist-table .el-table__body-wrapper tbody tr', {
    hasText: who.name,
    has: page.getByRole('cell', { name: String(appId), exact: true }),
  })
  await row.waitFor()
  return row
}

// The detail page of the application from its worklist row; returns the detail's JSON.
async function openDetail(page, row) {
  const [detail] = await Promise.all([answer(page, 'GET', new RegExp(`/applications/${appId}$`)), row.locator('.open-detail').click()])
  const d = await expectOk(detail)
  await page.locator('.rd-person').waitFor()
  assert.equal(d.application.person.name, who.name)
  return d
}

// 通过 on the detail page with an opinion (the reviewer's side in a screenshot, name); returns the
// move's answer.
async function passOnDetail(page, opinion, name) {
  await page.locator('.decide-pass').click()
  await page.locator('#decide-text').fill(opinion)
  await page.locator('.decide-confirm').scrollIntoViewIfNeeded()
  await page.screenshot({ path: `${SHOTS}chain-e2e-${name}.png`, animations: 'disabled' })
  const [mv] = await Promise.all([answer(page, 'POST', /\/move$/), page.locator('.decide-confirm').click()])
  const moved = await expectOk(mv)
  await page.waitForURL(/#\/worklist/)
  return moved
}

// A publicity page (the unit's 资格公示与报送, the city's 评审结果公示): registers the publicity of the
// application starting today (the page refuses an earlier day than the application's arrival),
// checks that the pass waits for it, moves its start 14 days back (the only time travel), reloads,
// and passes with the page's own button. Screenshots name-running, name-over. Returns the move's answer.
async function publicityThenPass(page, seq, passLabel, name) {
  const row = page.locator('.publicity-table .el-table__body-wrapper tbody tr', {
    has: page.locator(`a.publicity-open[href$="/applications/${appId}"]`, { hasText: who.name }),
  })
  await row.waitFor()
  await row.getByText('未公示').waitFor()
  assert.equal(await row.locator('.report-open').isDisabled(), true, `${passLabel} before any publicity`)
  await row.locator('.report-why', { hasText: '尚未登记公示' }).waitFor()
  await row.locator('.el-checkbox').click()
  assert.equal(await page.locator('#publicity-start').inputValue(), today, 'the publicity starts today by default')
  const [reg] = await Promise.all([
    answer(page, 'POST', new RegExp(`/applications/${appId}/publicity$`)),
    (async () => {
      await page.locator('#publicity-begin', { hasText: '已选 1 人' }).click()
      // asked first: the applicant is texted the publicity's days
      await page.locator('.publicity-begin-confirm').getByRole('button', { name: '确认登记' }).click()
    })(),
  ])
  assert.equal((await expectOk(reg)).starts_on, today)
  await row.getByText(/公示中 0\/5/).waitFor()
  await row.getByText(`${today} 至`).waitFor()
  assert.equal(await row.locator('.report-open').isDisabled(), true, `${passLabel} before the publicity is over`)
  await row.locator('.report-why', { hasText: '公示未满 5 个工作日' }).waitFor()
  await shot(page, `${name}-running`)

  // the only time travel: the publicity began 14 days ago
  await sql(`UPDATE publicity SET starts_on = current_date - 14 WHERE application_id = ${appId} AND step_seq = ${seq}`)
  await Promise.all([answer(page, 'GET', /\/publicity$/), page.locator('.page-head').getByRole('button', { name: '刷新' }).click()])
  await row.getByText('公示期满').waitFor()
  await row.locator('.report-open:not(.is-disabled)', { hasText: passLabel }).waitFor()
  assert.equal(await row.locator('.report-why').count(), 0)
  await shot(page, `${name}-over`)
  await row.locator('.report-open').click()
  assert.ok((await page.locator('#report-text').inputValue()).startsWith('经公示无异议'), 'the opinion is filled in')
  const [mv] = await Promise.all([
    answer(page, 'POST', /\/move$/),
    page.locator('.el-message', { hasText: `${who.name}：已${passLabel}` }).waitFor(),
    // the dialog's button: 确认推荐上报, but 确认结果 stays as it is
    page.locator('#report-confirm', { hasText: passLabel.startsWith('确认') ? passLabel : `确认${passLabel}` }).click(),
  ])
  const moved = await expectOk(mv)
  await row.waitFor({ state: 'detached' })
  await page.locator('#report-confirm').waitFor({ state: 'detached' })
  return moved
}

/*
 * The QR code in a PNG screenshot, decoded by jsQR in a blank page of the browser (the PNG drawn
 * on a canvas there): a whole page's pixels are too many to hand back to node.
 */
async function decodePng(context, png) {
  const blank = await context.newPage()
  try {
    await blank.addScriptTag({ path: JSQR })
    const found = await blank.evaluate(async (b64) => {
      const img = new Image()
      img.src = `data:image/png;base64,${b64}`
      await img.decode()
      const c = document.createElement('canvas')
      c.width = img.width
      c.height = img.height
      const g = c.getContext('2d')
      g.drawImage(img, 0, 0)
      const qr = window.jsQR(g.getImageData(0, 0, c.width, c.height).data, c.width, c.height)
      return qr ? qr.data : null
    }, png.toString('base64'))
    assert.ok(found, 'no QR code in the screenshot')
    return found
  } finally {
    await blank.close()
  }
}

// ------------------------------------------------------------------ the chain

step('fixture: a 市住建局局属事业单位 and its clerk; a new applicant applies and submits through the API', async () => {
  unitOrg = await newOrg({ ownership: 'institution', affiliation: 'bureau', region: '330700-sbj', prefix: '金华市住建局局属测试中心' })
  const unit = await newOrgUser(unitOrg.id)
  unitUser = await sql(`SELECT username FROM app_user WHERE id = ${unit.userId}`)
  who = await newApplicant()
  appId = await apply({ s: who.s, name: who.name, unit, unitId: unitOrg.id, plan: await planId(JUNIOR_PLAN) })
  assert.deepEqual(await position(appId), { code: 'junior_assess', step: 2, state: 'in_review' })
})

step('② unit: 职称申报资格审查 → the application → 通过 with an opinion', async () => {
  const { context, page } = await newPage()
  try {
    await login(page, 'unit', unitUser)
    await menu(page, '职称申报资格审查')
    const row = await findInWorklist(page)
    assert.match(await row.innerText(), /单位资格审查/)
    assert.match(await row.innerText(), /第 1 次提交/)
    await row.locator('.act-pass').waitFor()
    await shot(page, '01-unit-worklist')
    const d = await openDetail(page, row)
    assert.deepEqual(d.actions, ['pass', 'return', 'reject'])
    assert.match(await page.locator('.rd-facts').innerText(), /各项申报条件均已满足/)
    const moved = await passOnDetail(page, `经审查，${who.name}同志材料齐全真实，符合初级初定申报条件，同意通过。`, '02-unit-detail')
    assert.equal(moved.step, 3)
  } finally {
    await context.close()
  }
})

step('③ unit: 资格公示与报送 → 登记公示 → (14 days later) 推荐上报', async () => {
  const { context, page } = await newPage()
  try {
    await login(page, 'unit', unitUser)
    await menu(page, '资格公示与报送')
    await page.locator('.publicity-table').waitFor()
    const moved = await publicityThenPass(page, 3, '推荐上报', '03-unit-publicity')
    assert.equal(moved.step, 4)
  } finally {
    await context.close()
  }
})

step('applicant: 申报进度 shows the fee due → 缴费 → the simulated gateway → back, paid', async () => {
  const { context, page } = await newPage()
  try {
    await login(page, 'applicant', who.idcard, who.password)
    await page.goto(`${BASE}/applicant/#/applications/${appId}`, { waitUntil: 'domcontentloaded' })
    await page.locator('.pg-current', { hasText: '市住建局资格审核并评定' }).waitFor()
    assert.match(await page.locator('.pg-current').innerText(), new RegExp(ZJJ))
    await page.locator('.pg-simulated', { hasText: '模拟支付' }).waitFor()
    const pay = page.locator('.pg-pay', { hasText: '缴费（100 元）' })
    await pay.waitFor()
    await page.locator('.pg-fee-items', { hasText: '其中评审费 100 元' }).waitFor()
    assert.equal(await pay.isEnabled(), true)
    assert.equal(await page.locator('.pg-paid').count(), 0)
    await page.locator('.pg-step-done', { hasText: '单位公示并推荐上报' }).waitFor()
    await shot(page, '04-applicant-fee-due')
    await pay.click()
    await page.waitForURL(/\/paysim\/#order=[0-9a-f]{24}&/)
    await page.locator('.pay-banner', { hasText: '模拟支付' }).waitFor()
    await page.locator('.pay-amount', { hasText: '100.00' }).waitFor()
    await shot(page, '05-paysim')
    const [cb] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/applicant/paycallback'),
      page.locator('.pay-confirm').click(),
    ])
    assert.deepEqual(await expectOk(cb), { application_id: appId, status: 'paid' })
    await page.locator('.el-result', { hasText: '支付成功' }).waitFor()
    await page.waitForURL((u) => u.pathname === '/applicant/' && u.hash === `#/applications/${appId}?paid=1`)
    await page.locator('.pg-paid', { hasText: '已缴费 100 元' }).waitFor()
    assert.equal(await page.locator('.pg-pay').count(), 0, 'nothing is due any more')
    await shot(page, '06-applicant-paid')
  } finally {
    await context.close()
  }
})

step('④ city 市住建局: worklist → detail: the fee gate is met → 通过', async () => {
  const { context, page } = await newPage()
  try {
    await login(page, 'city', 'jh_zjj')
    await menu(page, '职称评审资格审查')
    const row = await findInWorklist(page)
    assert.match(await row.innerText(), /市住建局资格审核并评定/)
    await row.getByText('已缴费').waitFor()
    await shot(page, '07-city-worklist')
    const d = await openDetail(page, row)
    // and the 评定's own: its result is told when published (sql/086)
    assert.deepEqual(d.gates.map((g) => [g.kind, g.met]), [['fee', true], ['assess', true]])
    const gate = page.locator('.rd-gate')
    await gate.first().waitFor()
    assert.equal(await gate.count(), 2)
    assert.match(await gate.first().innerText(), /申报人已缴纳推荐评审费/)
    assert.match(await gate.first().getAttribute('class'), /el-alert--success/)
    assert.match(await gate.nth(1).innerText(), /初定结果在“公布初定结果”时告知申报人/)
    assert.match(await gate.nth(1).getAttribute('class'), /el-alert--info/)
    await page.locator('.decide-pass').waitFor()
    assert.equal(await page.locator('.decide-pass').isEnabled(), true)
    // a step that 评定s decides by 评定通过 / 评定不通过, with its 评定意见 (the chains' walk: 审查通过)
    assert.equal((await page.locator('.decide-pass').innerText()).trim(), '评定通过')
    assert.equal((await page.locator('.decide-reject').innerText()).trim(), '评定不通过')
    const moved = await passOnDetail(page, '经审核，符合助理工程师初定条件，评定通过。', '08-city-detail')
    assert.equal(moved.step, 5)
  } finally {
    await context.close()
  }
})

step('⑤ hrb 市人社局: worklist → 通过 from the list', async () => {
  const { context, page } = await newPage()
  try {
    await login(page, 'hrb', 'jh_rsj')
    await menu(page, '职称评审资格审查')
    const row = await findInWorklist(page)
    assert.match(await row.innerText(), /初定结果报市人力社保局/)
    // above the counties, the unit's 县（市、区） beside it
    const region = await sql(`SELECT rg.name FROM application a JOIN org o ON o.id = a.unit_org_id
        JOIN region rg ON rg.id = o.region_id WHERE a.id = ${appId}`)
    assert.equal(await row.locator('.wl-region').innerText(), region)
    assert.equal(await row.locator('.act-return').count(), 0, '退回 is not an action of this step')
    const pass = row.locator('.act-pass')
    assert.equal(await pass.isEnabled(), true)
    await shot(page, '09-hrb-worklist')
    await pass.click()
    // (a step that reports a result hands it on: 已报送, as the histories say)
    const dialog = page.locator('.el-dialog', { hasText: `审查通过（报送） — ${who.name}` })
    await dialog.waitFor()
    assert.match(await dialog.innerText(), /当前环节：初定结果报市人力社保局/)
    await page.locator('#move-text').fill('初定结果已收悉，同意。')
    const [mv] = await Promise.all([answer(page, 'POST', /\/move$/), dialog.locator('.move-confirm').click()])
    assert.equal((await expectOk(mv)).step, 6)
    await row.waitFor({ state: 'detached' })
  } finally {
    await context.close()
  }
})

step('⑥ city: 初定结果公示 → 登记公示 → (14 days later) 确认结果', async () => {
  const { context, page } = await newPage()
  try {
    await login(page, 'city', 'jh_zjj')
    // 市住建局 publicises 初定 results: its page says so (it read 评审结果公示 and 评审通过), and so
    // does the gate that sends the clerk there
    const gate = (await (await clerk('city', 'jh_zjj')).post(`/applications/${appId}/move`,
      { action: 'pass', step: 6, text: '确认' })).json.error.message
    assert.equal(gate, '该申报尚未公示，请在“初定结果公示”中登记公示，公示满 5 个工作日后方可确认结果')
    await menu(page, '初定结果公示')
    await page.locator('.publicity-table').waitFor()
    await page.locator('.page-title', { hasText: '初定结果公示' }).waitFor()
    assert.match(await page.title(), /^初定结果公示 - 市级主管部门 - /)
    assert.match(await page.locator('.publicity-table').innerText(), /初定通过/)
    const moved = await publicityThenPass(page, 6, '确认结果', '10-city-publicity')
    assert.equal(moved.step, 7)
  } finally {
    await context.close()
  }
})

step('⑦ city: 制发文件 → choose the application, 文号, today, title → 确认印发 → 办结', async () => {
  const { context, page } = await newPage()
  try {
    await login(page, 'city', 'jh_zjj')
    await menu(page, '制发文件')
    await page.locator('.doc-waiting').waitFor()
    const row = page.locator('.doc-waiting .el-table__body-wrapper tbody tr', { has: page.locator(`a[href$="/applications/${appId}"]`) })
    await row.waitFor()
    assert.match(await row.innerText(), new RegExp(`${who.name}[\\s\\S]*${unitOrg.name}[\\s\\S]*建筑工程施工[\\s\\S]*助理工程师`))
    assert.equal(await page.locator('.doc-new').isDisabled(), true, 'nothing chosen yet')
    await row.locator('.el-checkbox').click()
    await page.locator('.doc-new', { hasText: '已选 1 人' }).click()
    const year = today.slice(0, 4)
    // 文号 金建评〔year〕N号 (N at most 4 digits), one the bureau has not used yet
    const number = await sql(`SELECT n FROM (SELECT '金建评〔${year}〕' || n || '号' AS n, n AS k
        FROM generate_series(${randomInt(1, 9000)}, 9999) n) x WHERE NOT EXISTS (SELECT 1 FROM results_document d
        WHERE d.org_id = (SELECT id FROM org WHERE name = ${lit(ZJJ)}) AND d.number = x.n) ORDER BY k LIMIT 1`)
    const title = `关于公布${year}年度建设工程技术人员助理工程师职务任职资格初定结果的通知`
    await page.locator('#doc-number').fill(number)
    assert.equal(await page.locator('#doc-date').inputValue(), today, 'the document is dated today by default')
    await page.locator('#doc-title').fill(title)
    const preview = page.locator('.doc-preview')
    await preview.getByText(number).waitFor()
    await preview.getByText(title).waitFor()
    const text = await preview.innerText()
    for (const s of [`${ZJJ}文件`, '建筑工程施工专业（1 人）', who.name, unitOrg.name, '助理工程师'])
      assert.ok(text.includes(s), `the preview lacks ${s}`)
    await shot(page, '11-city-document')
    const [resp] = await Promise.all([
      answer(page, 'POST', /\/documents$/),
      page.locator('.el-message', { hasText: `结果文件 ${number} 已印发：1 人已办结` }).waitFor(),
      page.locator('.doc-issue-confirm').click(),
    ])
    const body = await expectOk(resp, 201)
    assert.equal(body.completed, 1)
    await page.locator('.doc-tabs .el-tabs__item', { hasText: '结果文件' }).click()
    const doc = page.locator('.doc-list .el-table__body-wrapper tbody tr', { hasText: number })
    await doc.waitFor()
    assert.match(await doc.innerText(), /1 人 \/ 1 份/)
    await shot(page, '12-city-documents')
    assert.equal((await position(appId)).state, 'completed')
  } finally {
    await context.close()
  }
})

step('applicant: 办结, the certificate on 申报进度 → 打印证书; its QR code opens /verify/: 证书有效', async () => {
  const { context, page } = await newPage()
  try {
    await login(page, 'applicant', who.idcard, who.password)
    await page.goto(`${BASE}/applicant/#/applications/${appId}`, { waitUntil: 'domcontentloaded' })
    await page.locator('.pg-state', { hasText: '办结' }).waitFor()
    // a finished application has no 当前环节 any more
    assert.equal((await page.locator('.pg-current').innerText()).trim(), '办结环节：制发文件、网络打印证书')
    const card = page.locator('.pg-certificate')
    await card.waitFor()
    const cardText = await card.innerText()
    for (const s of ['助理工程师', '建筑工程施工', '初定单位', ZJJ, '有效'])
      assert.ok(cardText.includes(s), `the certificate card lacks ${s}`)
    assert.match(cardText, /金建评〔\d{4}〕\d+号/)
    await page.locator('.pg-step-done', { hasText: '制发文件、网络打印证书' }).waitFor()
    await shot(page, '13-applicant-certificate')

    const [cert] = await Promise.all([context.waitForEvent('page'), card.locator('.pg-cert-print').click()])
    await cert.waitForLoadState('load')
    const certText = await cert.locator('body').innerText()
    const masked = `${who.idcard.slice(0, 4)}${'*'.repeat(10)}${who.idcard.slice(-4)}`
    for (const s of ['专业技术职务任职资格证书', who.name, masked, '助理工程师'])
      assert.ok(certText.includes(s), `the certificate lacks ${s}`)
    assert.ok(!certText.includes(who.idcard), 'the full 身份证号 on the certificate')
    const png = await cert.screenshot({ path: `${SHOTS}chain-e2e-14-certificate-print.png`, fullPage: true })
    // the QR code, read from the screenshot of the printed page as a phone's camera would
    verifyUrl = await decodePng(context, png)
    assert.match(verifyUrl, new RegExp(`^${BASE}/verify/[0-9a-f]{32}$`))

    // opened by someone else: a fresh browser on a phone, no session
    const other = await h.browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', isMobile: true })
    try {
      const v = await other.newPage()
      v.setDefaultTimeout(TIMEOUT)
      h.current = v
      v.problems = []
      const resp = await v.goto(verifyUrl)
      assert.equal(resp.status(), 200)
      const vText = await v.locator('body').innerText()
      assert.match(vText, /证书有效/)
      for (const s of [who.name, masked, '助理工程师', ZJJ])
        assert.ok(vText.includes(s), `the verification page lacks ${s}`)
      assert.ok(!vText.includes(who.idcard), 'the full 身份证号 on the verification page')
      await v.screenshot({ path: `${SHOTS}chain-e2e-15-verify.png`, fullPage: true })
    } finally {
      await other.close()
    }
  } finally {
    await context.close()
  }
})

step('the database: submit and six passes, each by the organisation owning its step; the certificate', async () => {
  const zjj = await orgId(ZJJ)
  // who moved it, from which organisation: the applicant submits (no organisation), the unit's clerk
  // passes ② ③, 市住建局 ④ ⑥ ⑦ (the document), 市人社局 ⑤
  const history = await sqlRows(`SELECT h.action, h.from_step, h.to_step, h.to_state, coalesce(o.name, ''), u.username
      FROM chain_history h JOIN app_user u ON u.id = h.actor_user_id LEFT JOIN org o ON o.id = h.actor_org_id
      WHERE h.application_id = ${appId} ORDER BY h.no`)
  assert.deepEqual(history, [
    ['submit', '1', '2', 'in_review', '', who.idcard],
    ['pass', '2', '3', 'in_review', unitOrg.name, unitUser],
    ['pass', '3', '4', 'in_review', unitOrg.name, unitUser],
    ['pass', '4', '5', 'in_review', ZJJ, 'jh_zjj'],
    ['pass', '5', '6', 'in_review', RSJ, 'jh_rsj'],
    ['pass', '6', '7', 'in_review', ZJJ, 'jh_zjj'],
    ['pass', '7', '7', 'completed', ZJJ, 'jh_zjj'],
  ])
  const [c] = await sqlRows(`SELECT c.name, c.idcard_masked, c.title, c.specialty, c.body_label, c.body, c.authority,
      c.org_id, c.holder_id, to_char(c.issued_on, 'YYYY-MM-DD'), c.revoked_at IS NULL, d.number ~ ${lit('^金建评〔\\d{4}〕\\d+号$')}
      FROM certificate c JOIN results_document d ON d.id = c.document_id WHERE c.application_id = ${appId}`)
  assert.deepEqual(c, [who.name, `${who.idcard.slice(0, 4)}${'*'.repeat(10)}${who.idcard.slice(-4)}`, '助理工程师', '建筑工程施工',
    '初定单位', ZJJ, ZJJ, String(zjj), String(who.id), today, 't', 't'])
  assert.equal(verifyUrl.split('/').pop(), await sql(`SELECT code FROM certificate WHERE application_id = ${appId}`))
})

test('no Content Security Policy violations along the chain', () => {
  assert.deepEqual(cspErrors, [])
})
