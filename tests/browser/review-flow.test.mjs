// The reviewer's workspace (issue 7) in headless Chromium, against the real stack:
//   PORTAL_URL=http://127.0.0.1:8080 node --test tests/browser/review-flow.test.mjs
// An application of a new applicant is made through the API (a real photo, a real signature,
// the attachments its 申报方式 requires) and taken to the county (the unit's two steps and the
// fee are fixtures). Then, by clicking: the county reviewer of 婺城区 finds it in 职称评审资格审查
// through the server's search, opens it, reads a PDF attachment inline and the photo, sees the
// computed facts, ticks the checklist and returns it with a reason; the applicant replaces one
// attachment and resubmits (and looks at the read-only view of what was submitted); the unit
// sees that change, passes it, records and resolves an objection in 资格公示与报送 and reports it
// upward; the county reviewer sees exactly that change highlighted and passes it. The worklist
// on a phone is a list of cards. Screenshots: tests/out/screenshots/review-*.png.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { HONGDA, lit, loginAs, signPost, signToken, sql, sqlInt } from '../integration/lib.mjs'
import {
  afterCleanup, approvedItem, completeProfile, jpeg, newApplicant, newOrgUser, orgId, postFile, putProfile,
  signaturePng, tinyPdf, uploadPdf,
} from '../integration/applicant-fixtures.mjs'
import { pay } from '../integration/apply.mjs'
import { BASE, SHOTS, answer, expectOk, flow, login, menu, pick } from './harness.mjs'

const h = flow('review')
const { newPage, step, cspErrors } = h

const COUNTY = '婺城区住房和城乡建设局'
const RETURN_REASON = '专业技术工作经历表扫描件不清晰，请重新上传清晰的扫描件'

let tmp
let who // the applicant: {s, idcard, name, password}
let appId
let hongda

before(async () => {
  await h.launch()
  tmp = await mkdtemp(join(tmpdir(), 'zcps-review-'))
  hongda = await loginAs('unit', 'unit_hongda')
})

after(async () => {
  await afterCleanup().catch(() => {})
  await h.close()
  if (tmp) await rm(tmp, { recursive: true, force: true })
})

async function shot(page, name, { fullPage = true } = {}) {
  await page.evaluate(() => window.scrollTo(0, 0))
  await page.screenshot({ path: `${SHOTS}review-${name}.png`, fullPage })
}

// The worklist narrowed by the server's search (q) to one person; returns the row's locator.
async function findInWorklist(page, name) {
  await page.locator('.worklist-table').waitFor()
  await page.locator('#worklist-search').fill(name)
  const [resp] = await Promise.all([
    page.waitForResponse((r) => /\/worklist$/.test(new URL(r.url()).pathname) && new URL(r.url()).searchParams.get('q') === name),
    page.locator('#worklist-search').press('Enter'),
  ])
  const body = await expectOk(resp)
  assert.ok(body.items.some((i) => i.id === appId), `the search for ${name} finds application ${appId}`)
  // the search is the server's: no empty parameter was sent
  for (const [k, v] of new URL(resp.url()).searchParams) assert.notEqual(v, '', `empty parameter ${k}`)
  // the row by its 申报编号 (two fixtures' random names can be the same)
  const row = page.locator('.worklist-table .el-table__body-wrapper tbody tr',
    { has: page.locator(`a.open-detail[href="#/applications/${appId}"]`) })
  await row.waitFor()
  return row
}

// ------------------------------------------------------------------ the fixture

// A submitted application of a new applicant, made through the applicant API (its photo a real
// JPEG drawn in the browser, its 承诺书 a real PNG signature), waiting at the unit.
async function submittedApplication(page) {
  who = await newApplicant()
  const s = who.s
  await putProfile(s, await completeProfile())
  const acceptance = await uploadPdf(s, '竣工验收报告.pdf')
  const item = await approvedItem(s, hongda, {
    title: `金华市婺城区某安置房工程-${who.name}`,
    org: '金华市城市建设投资集团有限公司',
    attachments: [acceptance],
  })
  const plans = (await s.get('/plans')).json.items
  let plan = plans.find((p) => p.open && p.level === 'mid')
  if (!plan) {
    plan = { id: await sqlInt(`INSERT INTO plan (year, name, level, opens_on, closes_on)
        VALUES (2023, 'browser plan ' || gen_random_uuid(), 'mid', current_date, current_date + 1) RETURNING id`) }
  }
  let r = await s.post('/applications', { plan_id: plan.id })
  assert.equal(r.status, 201, r.text)
  appId = r.json.application.id

  const photo = await jpeg(page, { w: 330, h: 440, border: '#ffffff', frame: 0.2, q: 0.9 })
  r = await postFile(s, `/applications/${appId}/photo`, photo, '证件照.jpg', 'image/jpeg')
  assert.equal(r.status, 200, r.text)
  r = await s.post(`/applications/${appId}/sign-link`)
  assert.equal(r.status, 200, r.text)
  r = await signPost(signToken(r.json.url), signaturePng())
  assert.equal(r.status, 200, r.text)

  r = await s.get(`/applications/${appId}`)
  const accept = r.json.options.accept_orgs.find((o) => o.name === COUNTY) || r.json.options.accept_orgs[0]
  r = await s.request('PUT', `/applications/${appId}/info`, {
    json: {
      statement: '本人自2006年参加工作以来一直从事房屋建筑工程施工技术与管理工作。\n主持完成安置房工程施工组织设计。',
      category: 'construction',
      method: 'normal',
      specialty: '建筑工程施工',
      accept_org_id: accept.id,
    },
  })
  assert.equal(r.status, 200, r.text)
  r = await s.request('PUT', `/applications/${appId}/archive`, { json: { items: [{ item_id: item.id }] } })
  assert.equal(r.status, 200, r.text)
  for (const rule of r.json.file_rules.filter((x) => x.visible && x.required)) {
    const id = await uploadPdf(s, `${rule.label}.pdf`)
    const put = await s.request('PUT', `/applications/${appId}/files`, { json: { kind: rule.kind, uploads: [id] } })
    assert.equal(put.status, 200, put.text)
  }
  r = await s.post(`/applications/${appId}/submit`)
  assert.equal(r.status, 200, r.text)
}

// The same, taken to the unit's 公示 step (③) by the unit's 资格审查 through the API.
async function applicationAtPublicity(page) {
  await submittedApplication(page)
  const r = await hongda.post(`/applications/${appId}/move`, { action: 'pass', step: 2, text: '资格审查通过' })
  assert.equal(r.status, 200, r.text)
}

// The same, taken to the county's step: the unit's 资格审查 and report (with a publicity 14 days
// old) by API; the fee paid by SQL unless told.
async function applicationAtCounty(page, { paid = true } = {}) {
  await submittedApplication(page)
  // the unit: 资格审查, a publicity 14 days old, 推荐上报
  let r = await hongda.post(`/applications/${appId}/move`, { action: 'pass', step: 2, text: '资格审查通过' })
  assert.equal(r.status, 200, r.text)
  await sql(`INSERT INTO publicity (application_id, step_seq, starts_on, created_by)
      SELECT ${appId}, 3, current_date - 14, id FROM app_user WHERE username = 'unit_hongda'`)
  r = await hongda.post(`/applications/${appId}/move`, { action: 'pass', step: 3, text: '公示无异议，推荐上报' })
  assert.equal(r.status, 200, r.text)
  assert.equal(r.json.step, 4)
  if (paid) await sql(`UPDATE application SET paid_at = now() WHERE id = ${appId}`)
}

// ------------------------------------------------------------------ the flow

describe('review flow: county returns, applicant fixes, unit passes again, county passes', () => {
  step('fixture: an application of a new applicant waits at the county, fee paid', async () => {
    const { context, page } = await newPage()
    try {
      await page.goto(`${BASE}/county/`, { waitUntil: 'domcontentloaded' })
      await applicationAtCounty(page)
    } finally {
      await context.close()
    }
  })

  step('county: found by the server search, detail with inline PDF, photo, facts; 退回修改 with the checklist', async () => {
    const { context, page } = await newPage()
    try {
      await login(page, 'county', 'wucheng_jsj')
      // the menu is reachable with Tab and opens with Enter
      const item = page.locator('.side-menu .el-menu-item', { hasText: '职称评审资格审查' })
      assert.equal(await item.getAttribute('tabindex'), '0', 'menu item in the Tab order')
      await item.focus()
      await page.keyboard.press('Enter')
      await page.waitForURL(/#\/worklist/)
      const row = await findInWorklist(page, who.name)
      assert.match(await row.innerText(), /已缴费/)
      assert.match(await row.innerText(), /第 2 次提交|第 1 次提交/)
      assert.equal(await row.locator('.act-pass').count(), 1)
      assert.equal(await row.locator('.act-return').count(), 1, '退回 allowed at the county step')
      // the buttons as the notice names a 主管部门's (the unit's are 通过 / 退回 / 不通过)
      assert.deepEqual(await Promise.all(['pass', 'return', 'reject'].map(async (a) => (await row.locator(`.act-${a}`).innerText()).trim())),
        ['审查通过', '退回修改', '审查不通过'])
      // 导出 is a plain link to the same list as .xlsx
      const href = await page.locator('.worklist-export').getAttribute('href')
      assert.equal(new URL(href, BASE).pathname, '/api/county/worklist.xlsx')
      assert.equal(new URL(href, BASE).searchParams.get('q'), who.name)
      const xlsx = await page.request.get(`${BASE}${href}`)
      assert.equal(xlsx.status(), 200)
      assert.match(xlsx.headers()['content-type'], /spreadsheetml/)
      await shot(page, 'worklist')

      const [detail] = await Promise.all([answer(page, 'GET', new RegExp(`/applications/${appId}$`)), row.locator('.open-detail').click()])
      const d = await expectOk(detail)
      await page.locator('.rd-person').waitFor()
      assert.equal(d.application.person.name, who.name)
      assert.ok((await page.locator('.rd-person').innerText()).includes(who.idcard), '身份证号 in full on the detail page')
      // the photo is an <img> that loaded
      await page.waitForFunction(() => {
        const img = document.querySelector('.rd-photo')
        return img && img.complete && img.naturalWidth > 200
      })
      await page.waitForFunction(() => {
        const img = document.querySelector('.rd-signature')
        return img && img.complete && img.naturalWidth > 0
      })
      // the project is labelled as the applicant's form labels it
      const project = page.locator('.rd-item').first()
      assert.match(await project.innerText(), /建设单位/)
      // a PDF attachment opens inline: an <iframe> of the file URL, served 200 as application/pdf
      const kind = page.locator('.rd-kind[data-kind="experience"]')
      const [pdf] = await Promise.all([
        page.waitForResponse((r) => /\/api\/county\/applications\/\d+\/files\/\d+$/.test(new URL(r.url()).pathname) && r.request().resourceType() !== 'image'),
        kind.locator('.fv-toggle').first().click(),
      ])
      assert.equal(pdf.status(), 200)
      assert.equal(pdf.headers()['content-type'], 'application/pdf')
      const frame = kind.locator('iframe.fv-frame')
      assert.equal(await frame.getAttribute('src'), new URL(pdf.url()).pathname)
      assert.equal(await frame.getAttribute('sandbox'), null, 'no sandbox (Chromium\'s PDF viewer refuses it)')
      const download = await kind.locator('.fv-download').first().getAttribute('href')
      assert.match(download, /\?download=1$/)
      // the facts the server computed
      const facts = page.locator('.rd-facts')
      assert.match(await facts.innerText(), new RegExp(`任现职年限\\s*${d.application.facts.title_years} 年`))
      assert.match(await facts.innerText(), /大学本科/)
      assert.match(await facts.innerText(), /各项申报条件均已满足/)
      // the verdict in the facts' header, in view however far a short window squeezes them
      assert.equal((await facts.locator('.rd-facts-verdict').innerText()).trim(), '申报条件均已满足')
      await shot(page, 'detail')

      // on a laptop's screen (1366×768), once the page is scrolled, the checklist and the decision
      // are both in view beside the facts (the clerks' walk: the checklist hid below the facts' fold)
      await page.setViewportSize({ width: 1366, height: 768 })
      await page.mouse.move(400, 400)
      await page.mouse.wheel(0, 600)
      await page.waitForFunction(() => {
        const r = (s) => document.querySelector(s).getBoundingClientRect()
        return r('.rd-checklist').top >= 56 && r('.rd-checklist').bottom <= r('.rd-decide').top + 1 &&
          r('.rd-decide').bottom <= window.innerHeight + 1
      })
      await shot(page, 'detail-laptop')
      // tick two items of the checklist, return with a reason
      const codes = d.checklist.map((c) => c.code)
      await page.locator(`.rd-checklist .check-${codes[0]}`).click()
      await page.locator(`.rd-checklist .check-${codes[1]}`).click()
      await page.locator('.decide-return').click()
      // the decision's form open, its 确认 still on the laptop's screen (the walk: below the window)
      await page.waitForFunction(() => {
        const b = document.querySelector('.decide-confirm')
        return b && b.getBoundingClientRect().bottom <= window.innerHeight && b.getBoundingClientRect().top > 56
      })
      await page.setViewportSize({ width: 1366, height: 860 })
      // a reason is required: nothing is sent without one
      let moved = false
      const onReq = (r) => {
        if (r.url().endsWith('/move')) moved = true
      }
      page.on('request', onReq)
      await page.locator('.decide-confirm').click()
      await page.locator('.decide-form .el-form-item__error').waitFor()
      page.off('request', onReq)
      assert.equal(moved, false)
      await page.locator('#decide-text').fill(RETURN_REASON)
      const [mv] = await Promise.all([answer(page, 'POST', /\/move$/), page.locator('.decide-confirm').click()])
      await expectOk(mv)
      assert.deepEqual(JSON.parse(mv.request().postData()), {
        action: 'return', step: 4, text: RETURN_REASON, checks: [codes[0], codes[1]],
      })
      // back to the worklist, its search kept
      await page.waitForURL(/#\/worklist\?/)
      assert.equal(await page.locator('#worklist-search').inputValue(), who.name)
      await page.getByText('没有符合条件的申报').waitFor()
      // opened again while the applicant is at it: said to be their edits, not a submission
      await page.goto(`${BASE}/county/#/applications/${appId}`, { waitUntil: 'domcontentloaded' })
      await page.locator('.rd-returned', { hasText: '该申报已退回申报人修改，尚未重新提交' }).waitFor()
    } finally {
      await context.close()
    }
  })

  step('applicant: replaces one attachment and resubmits; the read-only view shows what was submitted', async () => {
    const { context, page } = await newPage()
    try {
      await login(page, 'applicant', who.idcard, who.password)
      // 首页 names the unit chosen in the profile
      await page.locator('.welcome-org', { hasText: '金华宏达建设工程有限公司' }).waitFor()
      assert.match(await page.locator('.welcome').innerText(), /现工作单位/)
      await page.goto(`${BASE}/applicant/#/applications/${appId}`, { waitUntil: 'domcontentloaded' })
      await page.locator('.pg-returned', { hasText: RETURN_REASON }).waitFor()
      await page.locator('.pg-resubmit').click()
      await page.locator('.return-reason', { hasText: RETURN_REASON }).waitFor()
      // the step headers are reachable and work from the keyboard
      const head6 = page.locator('.wizard-steps .wizard-step-6')
      assert.equal(await head6.getAttribute('tabindex'), '0')
      await head6.focus()
      await page.keyboard.press('Enter')
      await page.locator('.wizard-body[data-step="6"]').waitFor()
      const block = page.locator('.file-block[data-kind="experience"]')
      // asked first (one click lost a file); 取消 keeps it
      const files = await block.locator('.file-remove').count()
      await block.locator('.file-remove').first().click()
      await page.locator('.el-message-box', { hasText: '删除后如需使用，须重新上传' }).getByRole('button', { name: '取消' }).click()
      await page.locator('.el-message-box').waitFor({ state: 'hidden' })
      assert.equal(await block.locator('.file-remove').count(), files)
      await block.locator('.file-remove').first().click()
      const [removed] = await Promise.all([
        answer(page, 'PUT', new RegExp(`/applications/${appId}/files$`)),
        page.locator('.el-message-box').getByRole('button', { name: '删除' }).click(),
      ])
      await expectOk(removed)
      const file = join(tmp, '专业技术工作经历表（清晰版）.pdf')
      await writeFile(file, tinyPdf('experience, clear scan'))
      const put = answer(page, 'PUT', new RegExp(`/applications/${appId}/files$`))
      const [up] = await Promise.all([answer(page, 'POST', /\/uploads$/), block.locator('input[type=file]').setInputFiles(file)])
      await expectOk(up, 201)
      const saved = await expectOk(await put)
      assert.equal(saved.application.files.experience.length, 1)
      await page.locator('.wizard-steps .wizard-step-7').click()
      await page.locator('.check-ok').waitFor()
      await page.locator('.wizard-submit').click()
      const confirm = page.locator('.el-message-box', { hasText: '确认提交' })
      const [sub] = await Promise.all([
        answer(page, 'POST', new RegExp(`/applications/${appId}/submit$`)),
        confirm.getByRole('button', { name: '确认提交' }).click(),
      ])
      await expectOk(sub)
      await page.locator('.pg-step-current', { hasText: '单位资格审查' }).waitFor()

      // the read-only view of what was submitted, from 申报进度
      const [view] = await Promise.all([answer(page, 'GET', new RegExp(`/applications/${appId}/view$`)), page.locator('.pg-view').click()])
      await expectOk(view)
      await page.locator('.rd-person').waitFor()
      assert.equal(await page.locator('.rd-side').count(), 0, 'no reviewer tools for the applicant')
      assert.equal(await page.locator('.decide-pass').count(), 0)
      await page.locator('.rd-kind[data-kind="experience"] .fv-name', { hasText: '专业技术工作经历表（清晰版）.pdf' }).waitFor()
      const src = await page.locator('.rd-photo').getAttribute('src')
      assert.match(src, new RegExp(`^/api/applicant/applications/${appId}/files/\\d+$`))
      await shot(page, 'applicant-view')
      await page.locator('.rd-back').click()
      await page.waitForURL(new RegExp(`#/applications/${appId}$`))
      // and from 我的申报
      await menu(page, '我的申报')
      await page.locator('.applications-table tbody tr', { hasText: String(appId) }).first().locator('.open-view').click()
      await page.waitForURL(new RegExp(`#/applications/${appId}/view$`))
    } finally {
      await context.close()
    }
  })

  step('unit: sees the change, passes 资格审查, an objection holds the report back until resolved, 推荐上报', async () => {
    const { context, page } = await newPage()
    try {
      await login(page, 'unit', 'unit_hongda')
      await menu(page, '职称申报资格审查')
      const row = await findInWorklist(page, who.name)
      await row.getByText('有修改').waitFor()
      await row.locator('.open-detail').click()
      await page.locator('.rd-changes').waitFor()
      assert.match(await page.locator('.rd-changes').innerText(), /专业技术工作经历表/)
      // the unit's buttons as the notice names them, and 通过 with 审核通过意见
      assert.deepEqual(await Promise.all(['pass', 'return', 'reject'].map(async (a) => (await page.locator(`.decide-${a}`).innerText()).trim())),
        ['通过', '退回', '不通过'])
      // a 退回's reason kept for next time, among the reasons, not 通过's opinions
      await page.locator('.decide-return').click()
      const reason = `请补充继续教育学时证明（${who.name}）`
      await page.locator('#decide-text').fill(reason)
      assert.equal((await page.locator('.opinion-save').innerText()).trim(), '存为常用理由')
      const [kept] = await Promise.all([answer(page, 'POST', /\/opinions$/), page.locator('.opinion-save').click()])
      assert.equal(JSON.parse(kept.request().postData()).action, 'return')
      await expectOk(kept, 201)
      await page.locator('.opinion-select').click()
      await page.locator('.el-select-dropdown__item:visible', { hasText: reason }).waitFor()
      await page.keyboard.press('Escape')
      // 通过 with an opinion from the 常用意见 kept for next time
      await page.locator('.decide-pass').click()
      await page.locator('.decide-form .el-form-item__label', { hasText: '审核通过意见' }).waitFor()
      await page.locator('.opinion-select').click()
      await page.waitForTimeout(300)
      assert.equal(await page.locator('.el-select-dropdown__item:visible', { hasText: reason }).count(), 0, 'a reason is no 通过 opinion')
      await page.keyboard.press('Escape')
      const opinion = `经审查，材料齐全，符合申报条件（${who.name}）`
      await page.locator('#decide-text').fill(opinion)
      const [saved] = await Promise.all([answer(page, 'POST', /\/opinions$/), page.locator('.opinion-save').click()])
      await expectOk(saved, 201)
      const [mv] = await Promise.all([answer(page, 'POST', /\/move$/), page.locator('.decide-confirm').click()])
      await expectOk(mv)
      await page.waitForURL(/#\/worklist/)
      // the menu opens the unit's list on its 资格审查: passed, the application has gone on to
      // 资格公示与报送 and is no longer among those waiting there (a search still finds it)
      const [opened] = await Promise.all([
        page.waitForResponse((r) => /\/api\/unit\/worklist$/.test(new URL(r.url()).pathname)
          && new URL(r.url()).searchParams.get('q') === null),
        menu(page, '职称申报资格审查'),
      ])
      assert.equal(new URL(opened.url()).searchParams.get('step'), '2')
      assert.ok(!(await expectOk(opened)).items.some((i) => i.id === appId), 'passed: not among those to review')
      await page.locator('.worklist-table').waitFor()
      assert.equal(await page.locator('.worklist-table tbody tr', { hasText: who.name }).count(), 0)

      // the publicity began 14 days ago (fixture); an objection holds the report back
      await sql(`INSERT INTO publicity (application_id, step_seq, starts_on, created_by)
          SELECT ${appId}, 3, current_date - 14, id FROM app_user WHERE username = 'unit_hongda'
          ON CONFLICT (application_id, step_seq) DO UPDATE SET starts_on = EXCLUDED.starts_on, created_at = now()`)
      await menu(page, '资格公示与报送')
      const prow = page.locator('.publicity-table .el-table__body-wrapper tbody tr', { hasText: who.name })
      await prow.waitFor()
      // one person among many: found by name, or by 申报编号; a stage shows those at it
      const prows = page.locator('.publicity-table .el-table__body-wrapper tbody tr')
      await page.locator('#publicity-search').fill(who.name)
      await page.waitForFunction(() => document.querySelectorAll('.publicity-table .el-table__body-wrapper tbody tr').length === 1)
      assert.match(await prows.first().innerText(), new RegExp(who.name))
      await page.locator('#publicity-search').fill(String(appId))
      assert.match(await prows.first().innerText(), new RegExp(who.name))
      await page.locator('#publicity-search').fill('')
      await pick(page, '#publicity-stage', '未公示')
      assert.equal(await prow.count(), 0, 'its 公示 began 14 days ago: not among 未公示')
      await pick(page, '#publicity-stage', '全部')
      await prow.waitFor()
      assert.match(await page.locator('.publicity-export').getAttribute('href'), /^\/api\/unit\/publicity\.xlsx$/)
      await prow.locator('.objections-open').click()
      const dlg = page.locator('.objections-dialog')
      await dlg.locator('#obj-content').fill('群众反映其业绩材料中的工程项目竣工时间有误')
      const [added] = await Promise.all([answer(page, 'POST', /\/objections$/), dlg.locator('.obj-add').click()])
      await expectOk(added, 201)
      await dlg.locator('.obj-item.is-open').waitFor()
      await dlg.locator('.el-dialog__headerbtn').click()
      await dlg.waitFor({ state: 'hidden' })
      await prow.getByText('1 条未处理').waitFor()
      assert.equal(await prow.locator('.report-open').isDisabled(), true, '推荐上报 is not possible with an open objection')
      await prow.locator('.report-why', { hasText: '异议未处理' }).waitFor()
      await shot(page, 'publicity-objection')
      await prow.locator('.objections-open').click()
      await dlg.locator('.obj-resolution-input textarea').fill('经核实，竣工时间无误，异议不成立')
      const [res] = await Promise.all([answer(page, 'POST', /\/objections\/\d+\/resolve$/), dlg.locator('.obj-resolve').click()])
      await expectOk(res)
      await dlg.locator('.obj-item.is-resolved').waitFor()
      await dlg.locator('.el-dialog__headerbtn').click()
      await dlg.waitFor({ state: 'hidden' })
      await prow.locator('.report-open:not(.is-disabled)').waitFor()
      await prow.locator('.report-open').click()
      // the opinion offered says what the publicity brought: an objection, resolved
      assert.equal(await page.locator('#report-text').inputValue(), '公示期间收到异议 1 条，均已核实处理，同意推荐上报。')
      // to whom: the county's 建设初评委 of 宏达's region, by the step's name
      assert.match(await page.locator('.report-next').innerText(), /^报送：.+（县（市、区）建设初评委资格审查）$/)
      const [rep] = await Promise.all([answer(page, 'POST', /\/move$/), page.locator('#report-confirm').click()])
      const body = await expectOk(rep)
      assert.equal(body.step, 4)
      await prow.waitFor({ state: 'detached' })
    } finally {
      await context.close()
    }
  })

  step('county: exactly the replaced attachment is highlighted; 通过', async () => {
    const { context, page } = await newPage()
    try {
      await login(page, 'county', 'wucheng_jsj')
      await menu(page, '职称评审资格审查')
      const row = await findInWorklist(page, who.name)
      await row.getByText('有修改').waitFor()
      const [detail] = await Promise.all([answer(page, 'GET', new RegExp(`/applications/${appId}$`)), row.locator('.open-detail').click()])
      const d = await expectOk(detail)
      assert.equal(d.changes.none, false)
      assert.deepEqual(d.changes.fields, [])
      assert.deepEqual(d.changes.files.map((f) => f.kind), ['experience'])
      const changes = page.locator('.rd-changes')
      await changes.waitFor()
      assert.match(await changes.innerText(), /专业技术工作经历表：新增 专业技术工作经历表（清晰版）\.pdf；删除 专业技术工作经历表\.pdf/)
      // highlighted where it is, and nowhere else
      const kind = page.locator('.rd-kind.is-changed')
      assert.equal(await kind.count(), 1)
      assert.equal(await kind.getAttribute('data-kind'), 'experience')
      await kind.locator('.fv-item.is-added', { hasText: '专业技术工作经历表（清晰版）.pdf' }).waitFor()
      await kind.locator('.fv-item.is-removed', { hasText: '专业技术工作经历表.pdf' }).waitFor()
      assert.equal(await page.locator('.rd-desc .is-changed').count(), 0, 'no field marked changed')
      assert.equal(await page.locator('.rd-item.is-changed').count(), 0, 'no 业绩 marked changed')
      await kind.scrollIntoViewIfNeeded()
      await page.screenshot({ path: `${SHOTS}review-diff.png` })
      // history shows the earlier return with the ticks
      assert.match(await page.locator('.rd-history').innerText(), new RegExp(RETURN_REASON))

      // 通过 from the keyboard: focus the button, Enter, type, submit with Enter on the button
      await page.locator('.decide-pass').focus()
      await page.keyboard.press('Enter')
      await page.locator('#decide-text').waitFor()
      await page.keyboard.type('经审查，符合申报条件，同意推荐')
      const [mv] = await Promise.all([answer(page, 'POST', /\/move$/), page.locator('.decide-confirm').click()])
      const moved = await expectOk(mv)
      assert.equal(moved.step, 5)
      await page.waitForURL(/#\/worklist/)
      // 已审查 lists it with the decision
      await page.locator('.worklist-tabs').getByText(/^已审查/).click()
      const done = page.locator('.worklist-table .el-table__body-wrapper tbody tr', { hasText: who.name })
      await done.getByText('通过').first().waitFor()
      assert.equal(await done.locator('.act-pass').count(), 0, 'no action on a decided row')
    } finally {
      await context.close()
    }
  })

  step('phone: the worklist is a list of cards, no sideways scrolling, buttons on screen', async () => {
    // a second application at the county so the 待审查 list has a card with its buttons
    const { context, page } = await newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true })
    try {
      await page.goto(`${BASE}/county/`, { waitUntil: 'domcontentloaded' })
      await applicationAtCounty(page)
      await login(page, 'county', 'wucheng_jsj')
      await page.goto(`${BASE}/county/#/worklist?q=${encodeURIComponent(who.name)}`, { waitUntil: 'domcontentloaded' })
      const card = page.locator(`.wl-card[data-id="${appId}"]`)
      await card.waitFor()
      assert.equal(await page.locator('.worklist-table').count(), 0, 'no table on a phone')
      const width = await page.evaluate(() => document.documentElement.scrollWidth)
      assert.ok(width <= 390, `no sideways scrolling (${width}px)`)
      for (const cls of ['.open-detail-btn', '.act-pass', '.act-return', '.act-reject']) {
        const box = await card.locator(cls).boundingBox()
        assert.ok(box && box.x >= 0 && box.x + box.width <= 390, `${cls} on screen`)
      }
      // the cards' 全选 chooses every one the page may pass
      const all = page.locator('.batch-all')
      await all.click()
      await page.locator('.batch-pass', { hasText: '已选 1 件' }).waitFor()
      await all.click()
      await page.locator('.batch-pass', { hasText: '已选 0 件' }).waitFor()
      await shot(page, 'phone-worklist')
      // the detail: 去审查 brings the decision, at the foot of the whole application, on screen
      await card.locator('.open-detail-btn').click()
      await page.locator('.rd-jump').click()
      await page.waitForFunction(() => {
        const r = document.querySelector('.decide-buttons').getBoundingClientRect()
        return r.top >= 0 && r.bottom <= window.innerHeight
      })
    } finally {
      await context.close()
    }
  })
})

// the first-day walk: on a phone the unit's 资格公示与报送 kept its desktop columns, the 公示情况
// and the 登记 / 处理异议 link a sideways swipe away
describe('资格公示与报送 on a phone', () => {
  step('one card a person: the 公示, the 异议 and 推荐上报 on screen, a choice for 登记公示', async () => {
    const { context, page } = await newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true })
    try {
      await page.goto(`${BASE}/unit/`, { waitUntil: 'domcontentloaded' })
      await applicationAtPublicity(page)
      await login(page, 'unit', 'unit_hongda')
      await page.goto(`${BASE}/unit/#/publicity`, { waitUntil: 'domcontentloaded' })
      await page.locator('#publicity-search').fill(String(appId))
      const card = page.locator(`.publicity-card[data-application="${appId}"]`)
      await card.waitFor()
      assert.equal(await page.locator('.publicity-table').count(), 0, 'no table on a phone')
      assert.match(await card.innerText(), /未公示[\s\S]*异议：无/)
      const width = await page.evaluate(() => document.documentElement.scrollWidth)
      assert.ok(width <= 390, `no sideways scrolling (${width}px)`)
      for (const cls of ['.objections-open', '.report-open']) {
        const box = await card.locator(cls).boundingBox()
        assert.ok(box && box.x >= 0 && box.x + box.width <= 390, `${cls} on screen`)
      }
      await card.locator('.publicity-pick').click()
      await page.locator('#publicity-begin', { hasText: '已选 1 人' }).waitFor()
      assert.ok(await page.locator('#publicity-begin').isEnabled())
      assert.match(await card.locator('.publicity-pick').getAttribute('class'), /is-checked/)
      await shot(page, 'phone-publicity')
    } finally {
      await context.close()
    }
  })
})

describe('what changed in the 述职', () => {
  step('the unit sees a changed 述职 character by character, then "未作修改" after an unchanged resubmission', async () => {
    const { context, page } = await newPage()
    try {
      await page.goto(`${BASE}/unit/`, { waitUntil: 'domcontentloaded' })
      await submittedApplication(page)
      const s = who.s
      let r = await hongda.post(`/applications/${appId}/move`, { action: 'return', step: 2, text: '述职请写具体的项目和本人承担的工作。' })
      assert.equal(r.status, 200, r.text)
      r = await s.request('PUT', `/applications/${appId}/info`, {
        json: { statement: '本人自2006年参加工作以来一直从事房屋建筑工程施工技术与管理工作。\n主持完成金华市婺城区安置房工程施工组织设计和深基坑专项方案。' },
      })
      assert.equal(r.status, 200, r.text)
      assert.equal((await s.post(`/applications/${appId}/submit`)).status, 200)

      await login(page, 'unit', 'unit_hongda')
      await page.goto(`${BASE}/unit/#/applications/${appId}`, { waitUntil: 'domcontentloaded' })
      const diff = page.locator('.rd-statement-diff')
      await diff.waitFor()
      assert.deepEqual(await diff.locator('ins').allInnerTexts(), ['金华市婺城区', '和深基坑专项方案'])
      assert.equal(await diff.locator('del').count(), 0)
      assert.match(await page.locator('.rd-changes').innerText(), /本人述职/)
      await page.locator('.rd-statement-block').scrollIntoViewIfNeeded()
      await page.screenshot({ path: `${SHOTS}review-statement-diff.png` })
      // the new text whole, a click away (a rewrite is unreadable as a diff), and back
      await page.locator('.rd-statement-view').getByText('显示修改后全文').click()
      assert.equal(await page.locator('.rd-statement-now').innerText(),
        '本人自2006年参加工作以来一直从事房屋建筑工程施工技术与管理工作。\n主持完成金华市婺城区安置房工程施工组织设计和深基坑专项方案。')
      assert.equal(await diff.count(), 0)
      await page.locator('.rd-statement-view').getByText('显示修改处').click()
      await diff.waitFor()

      r = await hongda.post(`/applications/${appId}/move`, { action: 'return', step: 2, text: '请再核对一遍' })
      assert.equal(r.status, 200, r.text)
      assert.equal((await s.post(`/applications/${appId}/submit`)).status, 200)
      await page.reload({ waitUntil: 'domcontentloaded' })
      await page.locator('.rd-changes-none', { hasText: '自您上次审查以来未作修改' }).waitFor()
      assert.equal(await page.locator('.rd-statement-diff').count(), 0)
    } finally {
      await context.close()
    }
  })
})

describe('before 通过: what the gates say, and the fee as paid, up front', () => {
  let unpaid, paid // { id, name }
  let order

  step('fixture: two applications at the county, one unpaid, one paid at the (simulated) gateway', async () => {
    const { context, page } = await newPage()
    try {
      await page.goto(`${BASE}/county/`, { waitUntil: 'domcontentloaded' })
      await applicationAtCounty(page, { paid: false })
      unpaid = { id: appId, name: who.name }
      await applicationAtCounty(page, { paid: false })
      await pay(who.s, appId)
      paid = { id: appId, name: who.name }
      order = await sql(`SELECT order_no FROM payment WHERE application_id = ${appId} AND status = 'paid'`)
      assert.ok(order)
    } finally {
      await context.close()
    }
  })

  step('county worklist: 缴费 opens amount, time and order; 通过 says up front why not; 批量通过 lists who will be refused', async () => {
    const { context, page } = await newPage()
    try {
      await login(page, 'county', 'wucheng_jsj')
      await page.goto(`${BASE}/county/#/worklist?step=4&sort=updated&size=100`, { waitUntil: 'domcontentloaded' })
      // by the application, not the name: 625 names for the fixtures' people, two of one seen on 全部
      const rowOf = (x) => page.locator('.worklist-table .el-table__body-wrapper tbody tr',
        { has: page.locator(`a.open-detail[href="#/applications/${x.id}"]`) })
      await rowOf(unpaid).waitFor()
      await rowOf(paid).waitFor()
      // 待审查's step filter offers the steps that wait here: the county's, not the city's (市建设中评委审核)
      const stepNames = async () => {
        const input = page.locator('.filter-step input')
        await page.locator('.filter-step .el-select__wrapper').click()
        const items = page.locator(`[id="${await input.getAttribute('aria-controls')}"] .el-select-dropdown__item`)
        await items.first().waitFor()
        const names = await items.allInnerTexts()
        await page.keyboard.press('Escape')
        return names.join('\n')
      }
      const waiting = await stepNames()
      assert.match(waiting, /^4\. /m)
      assert.doesNotMatch(waiting, /市建设中评委审核/)
      assert.doesNotMatch(waiting, /单位资格审查/)
      // 全部 follows an application up the chain: every step
      await page.goto(`${BASE}/county/#/worklist?tab=all&sort=updated&size=100`, { waitUntil: 'domcontentloaded' })
      await rowOf(paid).waitFor()
      assert.match(await stepNames(), /市建设中评委审核/)
      await page.goto(`${BASE}/county/#/worklist?step=4&sort=updated&size=100`, { waitUntil: 'domcontentloaded' })
      await rowOf(unpaid).waitFor()

      // 已缴费 / 未缴费: a click shows the detail (GET applications/:id/fee)
      await rowOf(paid).locator('.fee-tag').click()
      const paidPop = page.locator('.fee-popover', { hasText: `订单号 ${order}` })
      await paidPop.waitFor()
      assert.match(await paidPop.innerText(), new RegExp(`^已缴费 260 元，\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d，订单号 ${order}$`))
      await page.screenshot({ path: `${SHOTS}review-fee-paid.png` })
      // a second click closes it
      await rowOf(paid).locator('.fee-tag').click()
      await paidPop.waitFor({ state: 'hidden' })
      await rowOf(unpaid).locator('.fee-tag').click()
      const unpaidPop = page.locator('.fee-popover', { hasText: '未缴费' })
      await unpaidPop.waitFor()
      assert.match(await unpaidPop.innerText(), /^未缴费，应缴 260 元（推荐费 80 元、评审费 180 元）$/)
      await rowOf(unpaid).locator('.fee-tag').click()
      await unpaidPop.waitFor({ state: 'hidden' })

      // 通过 on the unpaid row: the dialog says so before anything is typed; nothing can be sent
      let moved = false
      const onReq = (r) => {
        if (/\/move$|\/batch$/.test(r.url())) moved = true
      }
      page.on('request', onReq)
      const [checked] = await Promise.all([answer(page, 'POST', /\/applications\/gates$/), rowOf(unpaid).locator('.act-pass').click()])
      await expectOk(checked)
      const blocked = page.locator('.move-blocked')
      await blocked.waitFor()
      assert.match(await blocked.innerText(), /暂不能审查通过/)
      assert.match(await blocked.innerText(), /申报人尚未缴纳推荐评审费（应缴 260 元），缴费后方可审查通过/)
      assert.match(await blocked.innerText(), /下一步：等待申报人缴费/)
      assert.equal(await page.locator('.move-confirm').isDisabled(), true)
      await page.waitForTimeout(400) // the dialog's fade-in, for the picture
      await page.screenshot({ path: `${SHOTS}review-pass-blocked.png` })
      await page.getByRole('button', { name: '取消' }).click()
      await blocked.waitFor({ state: 'detached' })

      // on the paid row: what the gate found, and 确认通过 open
      await rowOf(paid).locator('.act-pass').click()
      await page.locator('.move-ready', { hasText: `申报人已缴纳推荐评审费 260 元` }).waitFor()
      assert.equal(await page.locator('.move-confirm').isDisabled(), false)
      // the gateway fails on the way back: the dialog stays with the opinion, and says the
      // outcome is unknown (the failure probe: it closed, the text lost, and said "try again")
      await page.locator('#move-text').fill('经审查，材料齐全，同意。')
      await page.route('**/api/county/applications/*/move', (r) => r.fulfill({ status: 502, body: '<html>502</html>' }))
      await page.locator('.move-confirm').click()
      await page.locator('.move-gate', { hasText: '本次办理的结果未知' }).waitFor()
      assert.equal(await page.locator('#move-text').inputValue(), '经审查，材料齐全，同意。')
      await page.unroute('**/api/county/applications/*/move')
      moved = false // (that request never reached the portal: the test answered it)
      await page.getByRole('button', { name: '取消' }).click()
      await page.locator('.move-ready').waitFor({ state: 'detached' })

      // 批量通过 of both: the unpaid one is named with why, and only the paid one is sent
      // each box names whose application it ticks
      assert.equal(await rowOf(paid).locator('input[type=checkbox]').getAttribute('aria-label'),
        `选择 ${paid.name}（申报编号 ${paid.id}）`)
      await rowOf(unpaid).locator('.el-checkbox').click()
      await rowOf(paid).locator('.el-checkbox').click()
      await page.locator('.batch-pass').click()
      const refused = page.locator('.batch-refused')
      await refused.waitFor()
      assert.match(await refused.innerText(), /以下 1 件暂不能审查通过，不会提交/)
      // one line a reason, with whom it holds (the clerk's-day probe: a sentence a person)
      assert.match(await refused.innerText(), new RegExp(`申报人尚未缴纳推荐评审费（应缴 260 元），缴费后方可审查通过（下一步：等待申报人缴费）：1 件，${unpaid.name}（申报编号 ${unpaid.id}）`))
      // (the notice's words for a department: 审查通过 with 审查意见)
      assert.equal(await page.locator('.batch-who').innerText(), `将以同一审查意见审查通过以下 1 件申报：${paid.name}`)
      assert.equal((await page.locator('.batch-confirm').innerText()).trim(), '确认审查通过（1 件）')
      await page.screenshot({ path: `${SHOTS}review-batch-refused.png` })
      assert.equal(moved, false, 'nothing was sent before 确认')
      page.off('request', onReq)
      // the keyboard is where the typing goes: the opinion, once the dialog is open
      await page.waitForFunction(() => document.activeElement && document.activeElement.id === 'batch-text')
      await page.locator('#batch-text').fill('经审查，符合申报条件')
      const [sent] = await Promise.all([answer(page, 'POST', /\/applications\/batch$/), page.locator('.batch-confirm').click()])
      const done = await expectOk(sent)
      assert.deepEqual(JSON.parse(sent.request().postData()).items, [{ id: paid.id, step: 4 }])
      assert.deepEqual([done.passed, done.failed], [1, 0])
      await page.locator('.batch-results .is-ok', { hasText: paid.name }).waitFor()
      assert.match(await page.locator('.batch-results .is-failed', { hasText: unpaid.name }).innerText(), /未提交：申报人尚未缴纳推荐评审费/)
      // what is still to be seen to comes first, above however many went through
      assert.match(await page.locator('.batch-results li').first().innerText(), new RegExp(`^${unpaid.name}`))
      // done: focus on 完成, then on the list's first row (not on <body>: a keyboard walk found it lost)
      await page.waitForFunction(() => document.activeElement && document.activeElement.classList.contains('batch-close'))
      await page.keyboard.press('Enter')
      await page.waitForFunction(() => document.activeElement && document.activeElement.closest('.worklist-table tbody tr'))
    } finally {
      await context.close()
    }
  })

  step('county detail: 通过 is marked and closed while unpaid, with the fee and what comes next; 退回 stays', async () => {
    const { context, page } = await newPage()
    try {
      await login(page, 'county', 'wucheng_jsj')
      // the service failing on the first read: said so with 重试, which reads it again
      const detail = `**/api/county/applications/${unpaid.id}`
      await page.route(detail, (r) => r.fulfill({ status: 503, contentType: 'application/json',
        body: JSON.stringify({ error: { code: 'unavailable', message: '系统暂时无法提供服务，请稍后重试' } }) }))
      await page.goto(`${BASE}/county/#/applications/${unpaid.id}`, { waitUntil: 'domcontentloaded' })
      await page.locator('.rd-retry').waitFor()
      await page.unroute(detail)
      await page.locator('.rd-retry').click()
      const gate = page.locator('#rd-pass-gate')
      await gate.waitFor()
      // by keyboard: the page starts at whose application it is, one Tab and Enter from the decision
      await page.waitForFunction(() => document.activeElement && document.activeElement.classList.contains('rd-title'))
      await page.keyboard.press('Tab')
      assert.equal(await page.evaluate(() => document.activeElement.textContent.trim()), '跳到审查结果')
      await page.keyboard.press('Enter')
      await page.waitForFunction(() => document.activeElement && document.activeElement.closest('.decide-buttons'))
      assert.match(await gate.innerText(), /暂不能审查通过\s*申报人尚未缴纳推荐评审费（应缴 260 元），缴费后方可审查通过\s*下一步：等待申报人缴费/)
      assert.equal(await page.locator('.decide-pass').isDisabled(), true)
      assert.equal(await page.locator('.decide-pass').getAttribute('aria-describedby'), 'rd-pass-gate')
      assert.equal(await page.locator('.decide-return').isDisabled(), false)
      assert.match(await page.locator('.rd-fee').innerText(), /^推荐评审费：未缴费，应缴 260 元/)
      await page.locator('.rd-decide').scrollIntoViewIfNeeded()
      // the decision names the step it is for, in the notice's words
      assert.equal(await page.locator('.rd-decide .card-title').innerText(), '审查结果（县（市、区）建设初评委资格审查）')
      await page.screenshot({ path: `${SHOTS}review-detail-blocked.png` })
      // paid meanwhile: 重新检查 opens 通过 without leaving the page
      await sql(`UPDATE application SET paid_at = now() WHERE id = ${unpaid.id}`)
      await page.locator('.rd-pass-recheck').click()
      await gate.waitFor({ state: 'detached' })
      assert.equal(await page.locator('.decide-pass').isDisabled(), false)
      // the paid one, passed in the batch: its fee in full on its page
      await page.goto(`${BASE}/county/#/applications/${paid.id}`, { waitUntil: 'domcontentloaded' })
      await page.locator('.rd-fee', { hasText: `订单号 ${order}` }).waitFor()
      assert.match(await page.locator('.rd-fee').innerText(), new RegExp(`^推荐评审费：已缴费 260 元，\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d，订单号 ${order}$`))
    } finally {
      await context.close()
    }
  })

  step('county detail: a reason being typed survives a reload; 取消 lets it go', async () => {
    const { context, page } = await newPage()
    try {
      await login(page, 'county', 'wucheng_jsj')
      await page.goto(`${BASE}/county/#/applications/${unpaid.id}`, { waitUntil: 'domcontentloaded' })
      await page.locator('.decide-return').click()
      await page.locator('#decide-text').fill(RETURN_REASON)
      await page.reload({ waitUntil: 'domcontentloaded' })
      await page.locator('.decide-restored').waitFor()
      assert.equal(await page.locator('#decide-text').inputValue(), RETURN_REASON)
      assert.match(await page.locator('.decide-confirm').innerText(), /确认退回/)
      await page.locator('.decide-submit .el-button', { hasText: '取消' }).click()
      await page.reload({ waitUntil: 'domcontentloaded' })
      await page.locator('.decide-return').waitFor()
      assert.equal(await page.locator('#decide-text').count(), 0, 'nothing restored after 取消')
    } finally {
      await context.close()
    }
  })

  step('unit detail at 公示: 去登记公示 leads to 资格公示与报送', async () => {
    const { context, page } = await newPage()
    try {
      await page.goto(`${BASE}/unit/`, { waitUntil: 'domcontentloaded' })
      await applicationAtPublicity(page)
      await login(page, 'unit', 'unit_hongda')
      await page.goto(`${BASE}/unit/#/applications/${appId}`, { waitUntil: 'domcontentloaded' })
      const gate = page.locator('#rd-pass-gate')
      await gate.waitFor()
      assert.match(await gate.innerText(), /该申报尚未公示，请在“资格公示与报送”中登记公示/)
      assert.equal(await page.locator('.decide-pass').isDisabled(), true)
      await gate.locator('.rd-pass-todo', { hasText: '去登记公示' }).click()
      await page.waitForURL(/#\/publicity$/)
      await page.locator('.publicity-table .el-table__body-wrapper tbody tr', { hasText: who.name }).waitFor()
      // the worklist's row, found by its 申报编号, says where its step is done
      await menu(page, '职称申报资格审查')
      const row = await findInWorklist(page, String(appId))
      const link = row.locator('.wl-step-page')
      assert.equal(await link.innerText(), '在“资格公示与报送”中办理')
      await link.click()
      await page.waitForURL(/#\/publicity$/)
    } finally {
      await context.close()
    }
  })
})

// (the deadline-day probe: 确认并办理下一件 opened an unpaid application whose 通过 was disabled,
// with no way on but the list; back on the list the clerk's place was lost; names were buttons
// that no Ctrl+click could open in a tab of their own)
describe('one after another at the county: the next one passable, a skip, the place kept', () => {
  let first, unpaid, third // { id, name }, arriving in this order

  step('fixture: three applications at the county, the middle one unpaid', async () => {
    const { context, page } = await newPage()
    try {
      await page.goto(`${BASE}/county/`, { waitUntil: 'domcontentloaded' })
      await applicationAtCounty(page, { paid: false })
      await pay(who.s, appId)
      first = { id: appId, name: who.name }
      await applicationAtCounty(page, { paid: false })
      unpaid = { id: appId, name: who.name }
      await applicationAtCounty(page, { paid: false })
      await pay(who.s, appId)
      third = { id: appId, name: who.name }
    } finally {
      await context.close()
    }
  })

  step('a name is a link; 跳过 opens the next without deciding; back on the list, the last one opened is marked and focused; 确认并办理下一件 after a 通过 passes over the unpaid one', async () => {
    const { context, page } = await newPage()
    try {
      await login(page, 'county', 'wucheng_jsj')
      await page.goto(`${BASE}/county/#/worklist?step=4&sort=arrival&size=100`, { waitUntil: 'domcontentloaded' })
      // (by 申报编号: the fixtures' random names may meet another's)
      const rowOf = (x) => page.locator('.worklist-table .el-table__body-wrapper tbody tr',
        { has: page.locator(`a.open-detail[href="#/applications/${x.id}"]`) })
      await rowOf(third).waitFor()
      const link = rowOf(first).locator('a.open-detail')
      assert.equal(await link.getAttribute('href'), `#/applications/${first.id}`)
      await link.click()
      await page.waitForURL(new RegExp(`#/applications/${first.id}$`))
      await page.locator('.rd-next-skip').click()
      await page.waitForURL(new RegExp(`#/applications/${unpaid.id}$`))
      await page.locator('.rd-title', { hasText: unpaid.name }).waitFor()
      // 返回列表: the one just seen is marked, in view, and has the keyboard
      await page.locator('.rd-back').click()
      await page.waitForURL(/#\/worklist/)
      await rowOf(unpaid).and(page.locator('tr.row-last-opened')).waitFor()
      await page.waitForFunction((href) => document.activeElement?.classList.contains('open-detail')
        && document.activeElement.getAttribute('href') === href, `#/applications/${unpaid.id}`)
      await page.screenshot({ path: `${SHOTS}review-back-marked.png` })
      // 通过 the first, then the next one a 通过 could pass: the third, not the unpaid one
      await rowOf(first).locator('a.open-detail').click()
      await page.waitForURL(new RegExp(`#/applications/${first.id}$`))
      await page.locator('.decide-pass').click()
      await page.locator('#decide-text').fill('经审查，符合申报条件。')
      const [mv] = await Promise.all([answer(page, 'POST', /\/move$/), page.locator('.decide-confirm-next').click()])
      await expectOk(mv)
      await page.waitForURL(new RegExp(`#/applications/${third.id}$`))
      await page.locator('.rd-title', { hasText: third.name }).waitFor()
      assert.equal(await page.locator('.decide-pass').isDisabled(), false, 'the one opened can be passed')
      // searched for among those waiting, the one passed says where it is
      await page.goto(`${BASE}/county/#/worklist?q=${first.id}`, { waitUntil: 'domcontentloaded' })
      await page.locator('.worklist-table .el-table__empty-text', { hasText: '没有符合条件的申报；“已审查”中有 1 件' }).waitFor()
    } finally {
      await context.close()
    }
  })
})

describe('确认并办理下一件: deadline day, one application after another', () => {
  const mine = [] // { id, name }: two applications waiting at 宏达's 资格审查

  step('fixture: two applications of new applicants wait at the unit', async () => {
    const { context, page } = await newPage()
    try {
      await page.goto(`${BASE}/unit/`, { waitUntil: 'domcontentloaded' })
      for (let i = 0; i < 2; i++) {
        await submittedApplication(page)
        mine.push({ id: appId, name: who.name })
      }
    } finally {
      await context.close()
    }
  })

  step('unit: a decision opens the list\'s next one to move; the last one goes back to the list', async () => {
    const { context, page } = await newPage()
    try {
      await login(page, 'unit', 'unit_hongda')
      const [listed] = await Promise.all([
        // the list's own answer (size=100), not 首页's count of the waiting work (size=1) still on its way
        page.waitForResponse((r) => /\/api\/unit\/worklist$/.test(new URL(r.url()).pathname) &&
          new URL(r.url()).searchParams.get('size') === '100'),
        page.goto(`${BASE}/unit/#/worklist?step=2&sort=updated&size=100`, { waitUntil: 'domcontentloaded' }),
      ])
      const shown = (await expectOk(listed)).items.filter((r) => (r.actions || []).length).map((r) => r.id)
      const at = mine.map((m) => shown.indexOf(m.id))
      assert.ok(at[0] >= 0 && at[1] >= 0, 'both fixtures are on the list')
      const first = at[0] < at[1] ? mine[0] : mine[1]
      const other = first === mine[0] ? mine[1] : mine[0]
      // the one shown after the first (the other fixture, unless another test's lies between)
      const expected = shown[shown.indexOf(first.id) + 1]
      await page.locator(`.worklist-table a.open-detail[href="#/applications/${first.id}"]`).click()
      await page.waitForURL(new RegExp(`#/applications/${first.id}$`))
      // a reload (F5) of the application keeps the list it was opened from (the tab's storage)
      await page.reload({ waitUntil: 'domcontentloaded' })
      await page.locator('.decide-pass').click()
      // a 常用意见 kept (one is saved for the unit above, or one is saved now): it is the one
      // picked for the next application, without picking it from the list first (the
      // clerk's-day probe: the next application's box was empty)
      const common = '经审查，材料齐全，符合申报条件'
      await page.locator('#decide-text').fill(common)
      await Promise.all([answer(page, 'POST', /\/opinions$/), page.locator('.opinion-save').click()])
      assert.equal(await page.locator('#decide-text').inputValue(), common)
      await page.locator('.decide-confirm-next').scrollIntoViewIfNeeded()
      await page.screenshot({ path: `${SHOTS}review-next-form.png` })
      const [mv] = await Promise.all([answer(page, 'POST', /\/move$/), page.locator('.decide-confirm-next').click()])
      await expectOk(mv)
      await page.waitForURL(new RegExp(`#/applications/${expected}$`))
      await page.locator('.el-message', { hasText: first.name }).filter({ hasText: '已打开下一件' }).waitFor()
      if (expected === other.id) await page.locator('.rd-title', { hasText: other.name }).waitFor()
      // the form is fresh for the next one; its 通过 comes with the 常用意见 last picked, to read
      assert.equal(await page.locator('#decide-text').count(), 0)
      await page.locator('.decide-pass').click()
      await page.waitForFunction((t) => document.querySelector('#decide-text')?.value === t, common)
      // …which is no reason for a 退回 chosen after it
      await page.locator('.decide-return').click()
      assert.equal(await page.locator('#decide-text').inputValue(), '')
      await page.locator('.decide-submit').getByRole('button', { name: '取消' }).click()
      await page.screenshot({ path: `${SHOTS}review-next.png` })

      // the other alone on the list (the server's search, by its 申报编号: two fixtures' random names
      // can be the same): after it, nothing left, the list again
      await page.goto(`${BASE}/unit/#/worklist?q=${other.id}`, { waitUntil: 'domcontentloaded' })
      await page.locator(`.worklist-table a.open-detail[href="#/applications/${other.id}"]`).click()
      await page.waitForURL(new RegExp(`#/applications/${other.id}$`))
      await page.locator('.decide-pass').click()
      await page.locator('#decide-text').fill('经审查，材料齐全，符合申报条件')
      const [mv2] = await Promise.all([answer(page, 'POST', /\/move$/), page.locator('.decide-confirm-next').click()])
      assert.equal((await expectOk(mv2)).step, 3)
      // (it stays on the unit's desk for 公示, yet is not offered again)
      await page.waitForURL(/#\/worklist/)
      await page.locator('.el-message', { hasText: other.name }).filter({ hasText: '列表中已没有待办理的申报' }).waitFor()
      assert.equal(new URL(page.url().replace('#/', '')).searchParams.get('q'), String(other.id), 'the list as it was left')
    } finally {
      await context.close()
    }
  })

  step('unit: 批量推荐上报 of those whose publicity is over without objections; the others named with why', async () => {
    // both passed 资格审查 above; their publicity began 14 days ago, the other's drew an objection (dealt with)
    for (const m of mine) {
      await sql(`INSERT INTO publicity (application_id, step_seq, starts_on, created_by)
          SELECT ${m.id}, 3, current_date - 14, id FROM app_user WHERE username = 'unit_hongda'`)
    }
    const [plain, objected] = mine
    await sql(`INSERT INTO objection (application_id, step_seq, raised_on, content, created_by, resolution, resolved_by, resolved_at)
        SELECT ${objected.id}, 3, current_date - 3, '反映其业绩项目时间有误', id, '经核实，项目时间无误', id, now()
        FROM app_user WHERE username = 'unit_hongda'`)
    const { context, page } = await newPage()
    try {
      await login(page, 'unit', 'unit_hongda')
      await menu(page, '资格公示与报送')
      const rowOf = (m) => page.locator('.publicity-table .el-table__body-wrapper tbody tr', { has: page.locator(`a.publicity-open[href$="/applications/${m.id}"]`) })
      for (const m of mine) {
        await rowOf(m).getByText('公示期满').waitFor()
        await rowOf(m).locator('.el-checkbox').click()
      }
      await page.locator('#publicity-bulk', { hasText: '批量推荐上报（已选 2 人）' }).click()
      await page.locator('.bulk-who', { hasText: `将以同一意见推荐上报以下 1 人：${plain.name}` }).waitFor()
      assert.match(await page.locator('.bulk-skipped').innerText(),
        new RegExp(`以下 1 人不在此次提交之列[\\s\\S]*${objected.name}：公示期间收到异议 1 条，请逐人推荐上报并写明处理情况`))
      assert.equal(await page.locator('#bulk-text').inputValue(), '经公示无异议，同意推荐上报。')
      await page.waitForTimeout(400) // the dialog's fade-in, for the picture
      await page.screenshot({ path: `${SHOTS}review-bulk-report.png` })
      const [sent] = await Promise.all([answer(page, 'POST', /\/applications\/batch$/), page.locator('#bulk-confirm', { hasText: '确认推荐上报（1 人）' }).click()])
      assert.deepEqual(JSON.parse(sent.request().postData()).items, [{ id: plain.id, step: 3 }])
      assert.equal((await expectOk(sent)).passed, 1)
      // each person's outcome stays in the dialog until it is closed (not a toast that goes by)
      await page.locator('.batch-summary', { hasText: '已推荐上报 1 人' }).waitFor()
      assert.match(await page.locator('.batch-results').innerText(), new RegExp(`${plain.name}（申报编号 ${plain.id}）：已推荐上报`))
      await page.getByRole('dialog').getByRole('button', { name: '关闭', exact: true }).click()
      await rowOf(plain).waitFor({ state: 'detached' })
      await rowOf(objected).waitFor()
      assert.equal((await sqlInt(`SELECT step_seq FROM application WHERE id = ${plain.id}`)), 4)
    } finally {
      await context.close()
    }
  })
})

// (the clerk's-day probe: two clerks of one unit passing one after another were sent to the same
// next application in 5 rounds of 5)
describe('two clerks of one list', () => {
  const three = [] // { id, name }, waiting at 宏达's 资格审查
  step('the next application is not one a colleague has open; the row says who opened it', async () => {
    const { context, page } = await newPage()
    try {
      await page.goto(`${BASE}/unit/`, { waitUntil: 'domcontentloaded' })
      for (let i = 0; i < 3; i++) {
        await submittedApplication(page)
        three.push({ id: appId, name: who.name })
      }
      await login(page, 'unit', 'unit_hongda')
      const [listed] = await Promise.all([
        page.waitForResponse((r) => /\/api\/unit\/worklist$/.test(new URL(r.url()).pathname) &&
          new URL(r.url()).searchParams.get('size') === '100'),
        page.goto(`${BASE}/unit/#/worklist?step=2&sort=updated&size=100`, { waitUntil: 'domcontentloaded' }),
      ])
      const shown = (await expectOk(listed)).items.filter((r) => (r.actions || []).length).map((r) => r.id)
      const at = three.map((m) => shown.indexOf(m.id)).sort((a, b) => a - b)
      assert.ok(at[0] >= 0 && at[1] === at[0] + 1, 'the three are on the list, one after another')
      const [first, second] = [shown[at[0]], shown[at[1]]]
      const third = shown[at[1] + 1]
      // a colleague opens the second
      const colleague = await newOrgUser(await orgId(HONGDA))
      assert.equal((await colleague.get(`/applications/${second}`)).status, 200)
      await page.reload({ waitUntil: 'domcontentloaded' })
      const row = page.locator('.worklist-table .el-table__body-wrapper tbody tr', { has: page.locator(`a.open-detail[href="#/applications/${second}"]`) })
      await row.locator('.wl-viewer', { hasText: '测试经办人 刚刚打开' }).waitFor()
      await page.locator(`.worklist-table a.open-detail[href="#/applications/${first}"]`).click()
      await page.waitForURL(new RegExp(`#/applications/${first}$`))
      await page.locator('.decide-pass').click()
      await page.locator('#decide-text').fill('经审查，材料齐全，符合申报条件')
      const [mv] = await Promise.all([answer(page, 'POST', /\/move$/), page.locator('.decide-confirm-next').click()])
      await expectOk(mv)
      // past the one the colleague has open
      await page.waitForURL(new RegExp(`#/applications/${third}$`))
      // and that one, opened all the same, says who has it
      await page.goto(`${BASE}/unit/#/applications/${second}`, { waitUntil: 'domcontentloaded' })
      await page.locator('.rd-viewer', { hasText: '同事测试经办人 刚刚打开了此申报，可能正在办理' }).waitFor()
    } finally {
      // nobody has them open for the tests after this one
      if (three.length) await sql(`UPDATE desk SET viewed_by = NULL, viewed_at = NULL WHERE application_id IN (${three.map((m) => m.id).join(', ')})`)
      await context.close()
    }
  })
})

// the clerk's-week walk: a person who chose another unit mid-review was nowhere said to have gone
describe('the person chose another unit after submitting', () => {
  step('unit: the detail page says the person moved (not where), and that the application is still the unit\'s', async () => {
    const { context, page } = await newPage()
    try {
      await page.goto(`${BASE}/unit/`, { waitUntil: 'domcontentloaded' })
      await submittedApplication(page)
      const sjy = await sqlInt(`SELECT id FROM org WHERE name = '金华市建筑设计研究院有限公司'`)
      assert.equal((await who.s.request('PUT', '/profile', { json: { unit_id: sjy } })).status, 200)
      await login(page, 'unit', 'unit_hongda')
      await page.goto(`${BASE}/unit/#/applications/${appId}`, { waitUntil: 'domcontentloaded' })
      const moved = page.locator('.rd-moved')
      assert.match(await moved.innerText(), /更换了现工作单位（或人才交流中心）[\s\S]*仍由提交时的推荐单位（金华宏达建设工程有限公司）推荐。请核实其是否仍为本单位人员/)
      assert.doesNotMatch(await moved.innerText(), /设计研究院/)
      await shot(page, 'moved')
    } finally {
      await context.close()
    }
  })
})

describe('不通过 on the detail page asks first', () => {
  step('unit: 确认不通过 names whom it ends; 取消 sends nothing, 确认不通过 ends it', async () => {
    const { context, page } = await newPage()
    try {
      await page.goto(`${BASE}/unit/`, { waitUntil: 'domcontentloaded' })
      await submittedApplication(page)
      const id = appId, name = who.name
      await login(page, 'unit', 'unit_hongda')
      await page.goto(`${BASE}/unit/#/applications/${id}`, { waitUntil: 'domcontentloaded' })
      await page.locator('.decide-reject').click()
      await page.locator('#decide-text').fill('不具备申报资格：现有职称取得时间不满 4 年')
      let moved = false
      const onReq = (r) => { if (r.url().endsWith('/move')) moved = true }
      page.on('request', onReq)
      await page.locator('.decide-confirm').click()
      const box = page.locator('.decide-reject-confirm')
      await box.getByText(`${name}的申报将终止于“单位资格审查”`).waitFor()
      // what cannot be undone is not what a second Enter does: the box opens on 取消
      await page.waitForFunction(() => document.activeElement && document.activeElement.closest('.decide-reject-confirm')
        && document.activeElement.textContent.trim() === '取消')
      await page.keyboard.press('Enter')
      await box.waitFor({ state: 'hidden' })
      assert.equal(moved, false, 'Enter in the box sent the 不通过')
      // Ctrl+Enter in the box is the 确认 button: it asks too
      await page.locator('#decide-text').press('Control+Enter')
      await box.waitFor()
      await box.getByRole('button', { name: '取消' }).click()
      await box.waitFor({ state: 'hidden' })
      assert.equal(moved, false, 'a 不通过 sent before it was confirmed')
      page.off('request', onReq)
      await page.locator('.decide-confirm').click()
      const [mv] = await Promise.all([answer(page, 'POST', /\/move$/),
        page.locator('.decide-reject-confirm').getByRole('button', { name: '确认不通过' }).click()])
      assert.equal((await expectOk(mv)).state, 'rejected')
    } finally {
      await context.close()
    }
  })

  // (a deadline-day walk: one the system found 11 conditions unmet in was passed at a click)
  step('unit: 通过 of an application with a condition unmet asks first, naming how many; 取消 sends nothing', async () => {
    const { context, page } = await newPage()
    try {
      await page.goto(`${BASE}/unit/`, { waitUntil: 'domcontentloaded' })
      await submittedApplication(page)
      const id = appId, name = who.name
      await sql(`DELETE FROM application_file WHERE application_id = ${id} AND kind = 'summary'`)
      await login(page, 'unit', 'unit_hongda')
      await page.goto(`${BASE}/unit/#/applications/${id}`, { waitUntil: 'domcontentloaded' })
      await page.locator('.rd-facts-verdict', { hasText: '1 项申报条件未满足' }).waitFor()
      await page.locator('.decide-pass').click()
      await page.locator('#decide-text').fill('经审查，符合申报条件。')
      let moved = false
      const onReq = (r) => { if (r.url().endsWith('/move')) moved = true }
      page.on('request', onReq)
      await page.locator('.decide-confirm').click()
      const box = page.locator('.decide-unmet-confirm')
      await box.getByText(`系统核对${name}的申报，有 1 项申报条件未满足`).waitFor()
      await box.getByRole('button', { name: '取消' }).click()
      await box.waitFor({ state: 'hidden' })
      assert.equal(moved, false, 'a 通过 sent before it was confirmed')
      page.off('request', onReq)
      await page.locator('.decide-confirm').click()
      const [mv] = await Promise.all([answer(page, 'POST', /\/move$/), box.getByRole('button', { name: '仍然通过' }).click()])
      assert.equal((await expectOk(mv)).step, 3)
    } finally {
      await context.close()
    }
  })

  // (the clerk's-day probe: at 1366×768 通过 sat at y=907 on every application opened)
  step('unit, a laptop\'s 1366×768: the decision\'s buttons are in the window as the application opens, and its 确认 once chosen', async () => {
    const { context, page } = await newPage({ viewport: { width: 1366, height: 768 } })
    try {
      await page.goto(`${BASE}/unit/`, { waitUntil: 'domcontentloaded' })
      await submittedApplication(page)
      await login(page, 'unit', 'unit_hongda')
      await page.goto(`${BASE}/unit/#/applications/${appId}`, { waitUntil: 'domcontentloaded' })
      const pass = page.locator('.decide-pass')
      await pass.waitFor()
      const inWindow = async (loc) => {
        const box = await loc.boundingBox()
        return box && box.y >= 0 && box.y + box.height <= 769 // (sub-pixel)
      }
      await page.waitForFunction(() => {
        const b = document.querySelector('.decide-pass')
        return b && b.getBoundingClientRect().bottom <= window.innerHeight
      }, null, { timeout: 5000 })
      assert.equal(await inWindow(pass), true)
      await pass.click()
      const confirm = page.locator('.decide-confirm')
      await confirm.waitFor()
      await page.waitForFunction(() => {
        const b = document.querySelector('.decide-confirm')
        return b && b.getBoundingClientRect().bottom <= window.innerHeight + 1
      }, null, { timeout: 5000 })
      assert.equal(await inWindow(confirm), true)
      await page.screenshot({ path: `${SHOTS}review-unit-laptop-decision.png` }) // as the clerk sees it
    } finally {
      await context.close()
    }
  })

  // (the clerk's-day probe: a 自评与推荐 applicant's 中专 read 不符合规定学历 in red; then the
  // walk: the grey note said 未达规定学历, the method read from the wrong place)
  step('unit: a 自评与推荐 application without 规定学历 says the method does not ask it, in grey', async () => {
    const { context, page } = await newPage()
    try {
      await page.goto(`${BASE}/unit/`, { waitUntil: 'domcontentloaded' })
      await submittedApplication(page)
      await sql(`UPDATE application SET method = 'self' WHERE id = ${appId};
          UPDATE application_profile SET profile.education = '中专' WHERE application_id = ${appId}`)
      await login(page, 'unit', 'unit_hongda')
      await page.goto(`${BASE}/unit/#/applications/${appId}`, { waitUntil: 'domcontentloaded' })
      await page.locator('.fact-edu-free', { hasText: '“自评与推荐”申报不要求规定学历' }).waitFor()
      assert.equal(await page.locator('.rd-facts').getByText('不符合规定学历').count(), 0)
    } finally {
      await context.close()
    }
  })

  // (the clerk's-day probe: a colleague passed it while a 退回 was being typed; the refreshed
  // page kept the 退回 and its reason ready, now at 推荐上报)
  step('unit: a 退回 refused because a colleague decided first is not left ready at the next step', async () => {
    const { context, page } = await newPage()
    try {
      await page.goto(`${BASE}/unit/`, { waitUntil: 'domcontentloaded' })
      await submittedApplication(page)
      const id = appId
      await login(page, 'unit', 'unit_hongda')
      await page.goto(`${BASE}/unit/#/applications/${id}`, { waitUntil: 'domcontentloaded' })
      await page.locator('.decide-return').click()
      const reason = '请补充上传专业技术工作经历表'
      await page.locator('#decide-text').fill(reason)
      // the colleague's 通过
      const r = await hongda.post(`/applications/${id}/move`, { action: 'pass', step: 2, text: '同意推荐。' })
      assert.equal(r.status, 200, r.text)
      const [refused] = await Promise.all([answer(page, 'POST', /\/move$/), page.locator('.decide-confirm').click()])
      assert.equal(refused.status(), 409)
      const conflict = page.locator('.decide-conflict')
      await conflict.waitFor()
      assert.match(await conflict.innerText(), new RegExp(`页面已更新为最新状态.*${reason}`))
      assert.equal(await page.locator('#decide-text').count(), 0, 'no decision stands ready')
    } finally {
      await context.close()
    }
  })

  // (the clerk's-day probe: a row's 不通过 went at one Ctrl+Enter, nothing asked)
  step('unit: a worklist row\'s 不通过 asks the same; 取消 sends nothing, the reason stays', async () => {
    const { context, page } = await newPage()
    try {
      await page.goto(`${BASE}/unit/`, { waitUntil: 'domcontentloaded' })
      await submittedApplication(page)
      const id = appId, name = who.name
      await login(page, 'unit', 'unit_hongda')
      await page.goto(`${BASE}/unit/#/worklist?q=${encodeURIComponent(name)}`, { waitUntil: 'domcontentloaded' })
      const row = page.locator('.worklist-table .el-table__body-wrapper tbody tr',
        { has: page.locator(`a.open-detail[href="#/applications/${id}"]`) })
      await row.locator('.act-reject').click()
      const reason = '不具备申报资格：现有职称取得时间不满 4 年'
      await page.locator('#move-text').fill(reason)
      let moved = false
      const onReq = (r) => { if (r.url().endsWith('/move')) moved = true }
      page.on('request', onReq)
      await page.locator('#move-text').press('Control+Enter')
      const box = page.locator('.decide-reject-confirm')
      await box.getByText(`${name}的申报将终止于“单位资格审查”`).waitFor()
      await page.waitForFunction(() => document.activeElement && document.activeElement.closest('.decide-reject-confirm')
        && document.activeElement.textContent.trim() === '取消')
      await page.keyboard.press('Enter')
      await box.waitFor({ state: 'hidden' })
      assert.equal(moved, false, 'a row\'s 不通过 sent before it was confirmed')
      assert.equal(await page.locator('#move-text').inputValue(), reason, 'the reason is kept')
      page.off('request', onReq)
      await page.locator('.move-confirm').click()
      const [mv] = await Promise.all([answer(page, 'POST', /\/move$/),
        box.getByRole('button', { name: '确认不通过' }).click()])
      assert.equal((await expectOk(mv)).state, 'rejected')
    } finally {
      await context.close()
    }
  })

  // the chains' walk: under the menu's 环节 (单位资格审查) 已审查 and 全部 always read (0)
  step('unit: the menu\'s list is 待审查 at 资格审查; 已审查 shows what was decided, at any step; 待审查 is the menu\'s again', async () => {
    const { context, page } = await newPage()
    try {
      await login(page, 'unit', 'unit_hongda')
      await page.locator('.side-menu .el-menu-item', { hasText: '职称申报资格审查' }).click()
      await page.waitForURL(/step=2/)
      const tabs = page.locator('.worklist-tabs .el-tabs__item')
      await tabs.filter({ hasText: /^待审查（\d+）$/ }).waitFor()
      assert.equal(await tabs.filter({ hasText: /^已审查$/ }).count(), 1, '已审查 says no count under the menu\'s 环节')
      await tabs.filter({ hasText: /^已审查$/ }).click()
      await page.waitForURL((u) => u.hash.includes('tab=decided') && !u.hash.includes('step='))
      await tabs.filter({ hasText: /^已审查（[1-9]\d*）$/ }).waitFor()
      // 待审查's count there would be of every step: not said; nothing to pass in a batch
      assert.equal(await tabs.filter({ hasText: /^待审查$/ }).count(), 1)
      assert.equal(await page.locator('.batch-pass').count(), 0)
      // the one just decided at 资格审查 is among them (found by name: the suites decide many)
      await page.locator('#worklist-search').fill(who.name)
      await page.locator('#worklist-search').press('Enter')
      await page.waitForURL((u) => u.hash.includes('tab=decided') && u.hash.includes('q='))
      await page.locator('.worklist-table, .worklist-cards').getByText(who.name).first().waitFor()
      await shot(page, 'unit-decided')
      await page.locator('#worklist-search').fill('')
      await page.locator('#worklist-search').press('Enter')
      await page.waitForURL((u) => !u.hash.includes('q='))
      await tabs.filter({ hasText: /^待审查/ }).click()
      await page.waitForURL((u) => u.hash.includes('step=2') && !u.hash.includes('tab='))
      // with a 申报方式 set as well, 已审查 leaves the menu's step out and keeps the 申报方式
      // (the clerk's-day probe: 已审查（0）, and its export empty)
      await page.goto(`${BASE}/unit/#/worklist?step=2&method=normal`, { waitUntil: 'domcontentloaded' })
      // under the menu's 环节, 已审查 says no count whatever else is set (it read 已审查（0）)
      await tabs.filter({ hasText: /^待审查（\d+）$/ }).waitFor()
      assert.equal(await tabs.filter({ hasText: /^已审查$/ }).count(), 1)
      await tabs.filter({ hasText: /^已审查/ }).click()
      await page.waitForURL((u) => u.hash.includes('tab=decided') && u.hash.includes('method=normal') && !u.hash.includes('step='))
      await tabs.filter({ hasText: /^已审查（[1-9]\d*）$/ }).waitFor()
      await tabs.filter({ hasText: /^待审查/ }).click()
      await page.waitForURL((u) => u.hash.includes('step=2') && u.hash.includes('method=normal') && !u.hash.includes('tab='))
    } finally {
      await context.close()
    }
  })
})

describe('导出 after the session ended', () => {
  step('county worklist: 导出 downloads the .xlsx; once the session ended, the login dialog first, then the file', async () => {
    const { context, page } = await newPage({ acceptDownloads: true })
    try {
      await login(page, 'county', 'wucheng_jsj')
      await page.goto(`${BASE}/county/#/worklist`, { waitUntil: 'domcontentloaded' })
      await page.locator('.worklist-table').waitFor()
      const [first] = await Promise.all([page.waitForEvent('download'), page.locator('.worklist-export').click()])
      assert.match(first.suggestedFilename(), /\.xlsx$/)
      // the session ends while the page is open (idle past its limit)
      await sql(`UPDATE session SET last_seen = now() - interval '31 minutes'
          WHERE user_id = (SELECT id FROM app_user WHERE username = 'wucheng_jsj') AND ended_at IS NULL`)
      let saved = null
      page.on('download', (d) => { saved = d })
      await page.locator('.worklist-export').click()
      const dlg = page.locator('.reauth-dialog')
      await dlg.waitFor()
      assert.equal(saved, null, 'nothing saved before the login (it was the JSON refusal)')
      await dlg.locator('#reauth-username').fill('wucheng_jsj')
      await dlg.locator('#reauth-password').fill('Demo@2023')
      const [again] = await Promise.all([page.waitForEvent('download'), dlg.locator('.reauth-submit').click()])
      assert.match(again.suggestedFilename(), /\.xlsx$/)
      await dlg.waitFor({ state: 'hidden' })
    } finally {
      await context.close()
    }
  })
})

describe('收费设定: what is typed is checked, never quietly changed; a new total is confirmed first', () => {
  step('-5, 12.5 and 200 are refused by name (the box had made them 1, 13 and 180 and saved); 取消 saves nothing', async () => {
    const { context, page } = await newPage()
    const name = '2023年度金华市建设工程技术人员工程师职务任职资格评审工作计划'
    const plan = await sqlInt(`SELECT id FROM plan WHERE name = ${lit(name)}`)
    const org = await sqlInt(`SELECT id FROM org WHERE name = '婺城区住房和城乡建设局'`)
    // the plan's standard to start from (another suite may have set the county's own), put back after
    const kept = await sql(`SELECT coalesce(json_agg(f), '[]') FROM fee_item f WHERE plan_id = ${plan} AND org_id = ${org}`)
    await sql(`DELETE FROM fee_item WHERE plan_id = ${plan} AND org_id = ${org}`)
    try {
      await login(page, 'county', 'wucheng_jsj')
      await page.goto(`${BASE}/county/#/fees`, { waitUntil: 'domcontentloaded' })
      const row = page.locator('.fees-table tbody tr', { hasText: '技术人员工程师职务任职资格评审工作计划' })
      await row.locator('.fees-edit').click()
      const dlg = page.getByRole('dialog')
      const amount = dlg.getByLabel('第 2 项金额（元）')
      for (const [typed, said] of [['-5', /评审费的金额应为大于 0 的整数/], ['12.5', /评审费的金额应为大于 0 的整数/],
        ['200', /评审费不能超过收费标准 180 元/]]) {
        await amount.fill(typed)
        await amount.press('Tab')
        assert.equal(await amount.inputValue(), typed, 'as typed')
        await dlg.locator('.fees-save').click()
        await dlg.getByRole('alert').filter({ hasText: said }).waitFor()
      }
      await amount.fill('150')
      await amount.press('Tab')
      await dlg.locator('.fees-save').click()
      const box = page.locator('.el-message-box')
      await box.getByText(/合计由 260 元改为 230 元/).waitFor()
      await box.getByRole('button', { name: '取消' }).click()
      await page.waitForTimeout(300)
      assert.equal(await sqlInt(`SELECT count(*) FROM fee_item WHERE plan_id = ${plan} AND org_id = ${org}`), 0,
        'nothing saved without the confirmation')
      await dlg.locator('.fees-save').click()
      const [put] = await Promise.all([answer(page, 'PUT', /\/fees$/), box.getByRole('button', { name: '确认保存' }).click()])
      assert.equal(put.status(), 200)
      await row.locator('.fees-items', { hasText: '评审费 150 元' }).waitFor()

      // the notice's 规定时间: a last day to pay, set in the same dialog and shown in the list
      const day = await sql(`SELECT to_char(current_date + 30, 'YYYY-MM-DD')`)
      await row.locator('.fees-edit').click()
      const by = dlg.locator('.fees-by-date input')
      // a day gone, typed: refused beside it, not dropped without a word under 已保存 (the walk)
      await by.click()
      await by.fill(await sql(`SELECT to_char(current_date - 5, 'YYYY-MM-DD')`))
      await by.press('Enter')
      await dlg.locator('.fees-save').click()
      await dlg.getByRole('alert').filter({ hasText: '缴费截止日期不能早于今天' }).waitFor()
      await by.click()
      await by.fill(day)
      await by.press('Enter')
      const [put2] = await Promise.all([answer(page, 'PUT', /\/fees$/), dlg.locator('.fees-save').click()])
      assert.equal(put2.status(), 200)
      await row.locator('.fees-by', { hasText: day }).waitFor()
      await page.locator('.fees-form').waitFor({ state: 'detached' })
      assert.equal(await sql(`SELECT to_char(pay_by, 'YYYY-MM-DD') FROM fee_deadline WHERE plan_id = ${plan} AND org_id = ${org}`), day)
      await shot(page, 'fees-pay-by')
    } finally {
      await context.close()
      await sql(`DELETE FROM fee_item WHERE plan_id = ${plan} AND org_id = ${org};
        DELETE FROM fee_deadline WHERE plan_id = ${plan} AND org_id = ${org};
        INSERT INTO fee_item SELECT * FROM json_populate_recordset(null::fee_item, ${lit(kept)})`)
    }
  })
})

describe('多缴费用退还: the department records a refund made outside the portal', () => {
  step('the 收费设定 page lists what is to refund; 登记已退还 is confirmed, then says when and who', async () => {
    const { context, page } = await newPage()
    const org = await sqlInt(`SELECT id FROM org WHERE name = '婺城区住房和城乡建设局'`)
    const order = randomBytes(12).toString('hex')
    // an order completed after the fee was paid (the callback records it so: applicant-submit)
    await sql(`INSERT INTO payment (order_no, application_id, amount_fen, status, paid_at, payee_org_id, surplus_fen)
        SELECT ${lit(order)}, id, 26000, 'paid', now(), ${org}, 26000 FROM application ORDER BY id LIMIT 1`)
    try {
      await login(page, 'county', 'wucheng_jsj')
      await page.goto(`${BASE}/county/#/fees`, { waitUntil: 'domcontentloaded' })
      const card = page.locator('.fees-refunds')
      const row = card.locator('tbody tr', { hasText: order })
      await row.getByText('待退还').waitFor()
      await card.getByText(/待退还 \d+ 笔/).waitFor()
      await row.locator('.fees-refund').click()
      const box = page.locator('.el-message-box')
      await box.getByText(/多缴的 260 元（订单号 [0-9a-f]{24}）退还申报人？登记后将短信告知申报人/).waitFor()
      await box.getByRole('button', { name: '取消' }).click()
      await page.waitForTimeout(300)
      assert.equal(await sql(`SELECT refunded_at IS NULL FROM payment WHERE order_no = ${lit(order)}`), 't')
      await row.locator('.fees-refund').click()
      const [post] = await Promise.all([answer(page, 'POST', /\/fees\/refunds$/), box.getByRole('button', { name: '确认登记' }).click()])
      assert.equal(post.status(), 200)
      await card.locator('tbody tr', { hasText: order }).locator('.fees-refunded').waitFor()
      assert.equal(await card.locator('tbody tr', { hasText: order }).locator('.fees-refund').count(), 0)
      await shot(page, 'fees-refund')
    } finally {
      await context.close()
      // (a payment row of a fixture: the application it names is another suite's)
      await sql(`DELETE FROM payment WHERE order_no = ${lit(order)}`)
    }
  })
})

test('no Content Security Policy violations in the review flow', () => {
  assert.deepEqual(cspErrors, [])
})
