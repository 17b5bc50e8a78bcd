// 评前面试 in headless Chromium, against the real stack:
//   PORTAL_URL=http://127.0.0.1:8080 node --test tests/browser/interview-flow.test.mjs
// Two applications of the demo applicant wait at 婺城区's 评前面试 (mid_review step 6; the steps
// before are fixtures), both on one session that has begun. The county's clerk (wucheng_jsj)
// marks one 通过 and one 缺席: 缺席 ends an application, so 保存结果 first names who it ends; 取消
// records nothing, 确认保存 records both.
import { after, before } from 'node:test'
import assert from 'node:assert/strict'
import { DEMO_APPLICANT, loginAs, retire, sql, tag } from '../integration/lib.mjs'
import { newDrafts } from '../integration/drafts.mjs'
import { clerk, position, walk } from '../integration/walk.mjs'
import { answer, expectOk, flow, login, menu } from './harness.mjs'

const h = flow('interview')
const { newPage, step } = h

let county // the API session of wucheng_jsj
let apps = []
let session
const title = `评前面试 ${tag().slice(-4)}`

before(async () => {
  await h.launch()
  const applicant = await loginAs('applicant', DEMO_APPLICANT)
  apps = await newDrafts(2)
  for (const app of apps) {
    assert.equal((await applicant.post(`/applications/${app}/submit`)).status, 200)
    await walk(app, 6)
  }
  county = await clerk('county', 'wucheng_jsj')
  const when = await sql(`SELECT to_char((now() + interval '1 day') AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI')`)
  const r = await county.post('/interviews', { title, starts_at: when, place: '住建局三楼会议室', panel: '张工、李工、王工' })
  assert.equal(r.status, 201, r.text)
  session = r.json.id
  assert.equal((await county.post(`/interviews/${session}/assign`, { items: apps })).json.assigned, 2)
  // it began an hour ago: its results may be recorded
  await sql(`UPDATE interview_session SET starts_at = now() - interval '1 hour' WHERE id = ${session}`)
})

after(async () => {
  if (apps.length) await retire(`id IN (${apps.join(', ')})`)
  await h.close()
})

const recorded = async () => ((await county.get(`/interviews/${session}`)).json.items || []).filter((i) => i.result)

step('缺席 ends an application: 保存结果 names whom first; 取消 records nothing, 确认保存 both', async () => {
  const { page } = await newPage()
  await login(page, 'county', 'wucheng_jsj')
  page.problems.length = 0 // the login page's own 401 (no session yet) is no problem
  await menu(page, '评前面试')
  await page.locator('.iv-sessions tr', { hasText: title }).locator('.iv-open').click()
  const roster = page.locator('.iv-roster')
  const rows = roster.locator('.el-table__body tbody tr')
  await rows.nth(1).waitFor()
  // the list to print is one click away, for this session
  const xlsx = roster.locator('.iv-xlsx')
  assert.equal(await xlsx.getAttribute('href'), `/api/county/interviews/${session}/list.xlsx`)
  // a 不通过 without its reason: the message says whose, its box is marked, nothing is sent
  // (the walk: a message that named nobody, of two rows of one name)
  await rows.nth(1).getByText('不通过', { exact: true }).click()
  await roster.locator('.iv-record').click()
  await page.locator('.el-message', { hasText: /面试不通过的，请填写理由（将告知申报人）：.+（申报编号 \d+）/ }).waitFor()
  await rows.nth(1).locator('.iv-note.is-missing').waitFor()
  assert.deepEqual(await recorded(), [])
  // one marked 缺席, the rest 通过 in one click
  await rows.nth(1).getByText('缺席', { exact: true }).click()
  await roster.locator('.iv-all-pass', { hasText: '其余均标为通过（1 人）' }).click()
  await roster.locator('.iv-all-pass').waitFor({ state: 'detached' })
  await roster.locator('.iv-record').click()
  const box = page.locator('.iv-record-confirm')
  await box.getByText(/缺席（1 人）：.+。以上申报将终止于本环节/).waitFor()
  assert.doesNotMatch(await box.innerText(), /面试不通过/)
  await box.getByRole('button', { name: '取消' }).click()
  await box.waitFor({ state: 'hidden' })
  assert.deepEqual(await recorded(), [])
  assert.deepEqual((await Promise.all(apps.map(position))).map((p) => [p.step, p.state]),
      [[6, 'in_review'], [6, 'in_review']])

  await roster.locator('.iv-record').click()
  const [saved] = await Promise.all([
    answer(page, 'POST', new RegExp(`/interviews/${session}/results$`)),
    box.getByRole('button', { name: '确认保存' }).click(),
  ])
  assert.equal((await expectOk(saved)).recorded, 2)
  assert.deepEqual((await recorded()).map((i) => i.result).sort(), ['absent', 'pass'])
  // the absent one ended at the step, the other waits there for its 通过
  assert.deepEqual((await Promise.all(apps.map(position))).map((p) => p.state).sort(), ['in_review', 'rejected'])
  assert.deepEqual(page.problems, [])
})

step('the one who passed gets its 审查通过 from the roster, with one opinion (not again from the worklist)', async () => {
  const { page } = await newPage()
  await login(page, 'county', 'wucheng_jsj')
  page.problems.length = 0
  await menu(page, '评前面试')
  await page.locator('.iv-sessions tr', { hasText: title }).locator('.iv-open').click()
  const roster = page.locator('.iv-roster')
  await roster.locator('.iv-pass-on', { hasText: '审查通过面试通过的人员（1 人）' }).click()
  const box = page.locator('.iv-pass-confirm')
  await box.getByText(/面试通过的 1 人：.+。以同一意见审查通过，进入下一环节/).waitFor()
  assert.equal(await box.locator('input').inputValue(), '面试通过，同意推荐。')
  const [sent] = await Promise.all([
    answer(page, 'POST', /\/applications\/batch$/),
    box.getByRole('button', { name: '确认审查通过' }).click(),
  ])
  const body = JSON.parse(sent.request().postData())
  assert.equal(body.text, '面试通过，同意推荐。')
  assert.equal(body.items.length, 1)
  assert.equal((await expectOk(sent)).passed, 1)
  const passed = body.items[0].id
  assert.deepEqual(await position(passed), { code: 'mid_review', step: 7, state: 'in_review' })
  // each person's outcome, kept until closed
  const outcome = page.locator('.iv-pass-outcome')
  await outcome.locator('.batch-summary', { hasText: '已审查通过 1 人' }).waitFor()
  assert.match(await outcome.locator('.batch-results').innerText(), new RegExp(`（申报编号 ${passed}）：已审查通过`))
  await outcome.getByRole('button', { name: '关闭', exact: true }).click()
  await roster.locator('.iv-pass-on').waitFor({ state: 'detached' })
  assert.deepEqual(page.problems, [])
})

step('those chosen for an interview stay chosen while a session is made for them, and go to it', async () => {
  const applicant = await loginAs('applicant', DEMO_APPLICANT)
  const [third] = await newDrafts(1)
  apps.push(third)
  assert.equal((await applicant.post(`/applications/${third}/submit`)).status, 200)
  await walk(third, 6)
  const { page } = await newPage()
  await login(page, 'county', 'wucheng_jsj')
  page.problems.length = 0
  // as the worklist's 安排面试 sends it
  await page.goto(page.url().replace(/#.*$/, `#/interviews?assign=${third}`), { waitUntil: 'domcontentloaded' })
  const assign = page.locator('.iv-assign')
  await assign.getByText('已选 1 人').waitFor()
  await page.locator('.iv-new').click()
  const later = await sql(`SELECT to_char((now() + interval '2 days') AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI')`)
  const name = `${title} 第二场`
  await page.locator('#iv-title').fill(name)
  await page.locator('#iv-starts-at').fill(later)
  await page.locator('#iv-starts-at').press('Enter')
  await page.locator('#iv-place').fill('住建局四楼会议室')
  await page.locator('#iv-panel').fill('赵工、钱工、孙工')
  const [made] = await Promise.all([answer(page, 'POST', /\/interviews$/), page.locator('.iv-save').click()])
  assert.equal(made.status(), 201)
  const created = (await made.json()).id
  await page.locator('.el-message', { hasText: '面试已新建' }).waitFor()
  await assign.getByText('已选 1 人').waitFor()
  await page.locator('.iv-target', { hasText: name }).waitFor()
  const [sent] = await Promise.all([answer(page, 'POST', new RegExp(`/interviews/${created}/assign$`)), assign.click()])
  assert.equal((await expectOk(sent)).assigned, 1)
  assert.deepEqual(page.problems, [])
})

// (the departments' probe: at 市人力社保部门资格复审并公示 the roster's 审查通过 was offered, sent,
// and refused for everyone, the 公示 not yet registered)
step('at the city\'s 复审并公示: a pass the 公示 still holds is said before anything is sent', async () => {
  const applicant = await loginAs('applicant', DEMO_APPLICANT)
  const [app] = await newDrafts(1)
  apps.push(app)
  assert.equal((await applicant.post(`/applications/${app}/submit`)).status, 200)
  await walk(app, 9)
  const rsj = await clerk('hrb', 'jh_rsj')
  const when = await sql(`SELECT to_char((now() + interval '1 day') AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI')`)
  const cityTitle = `面试 ${tag().slice(-4)}`
  const r = await rsj.post('/interviews', { title: cityTitle, starts_at: when, place: '市人社局二楼', panel: '张工、李工' })
  assert.equal(r.status, 201, r.text)
  assert.equal((await rsj.post(`/interviews/${r.json.id}/assign`, { items: [app] })).json.assigned, 1)
  await sql(`UPDATE interview_session SET starts_at = now() - interval '1 hour' WHERE id = ${r.json.id}`)
  assert.equal((await rsj.post(`/interviews/${r.json.id}/results`, { items: [{ id: app, result: 'pass' }] })).json.recorded, 1)

  const { page } = await newPage()
  await login(page, 'hrb', 'jh_rsj')
  page.problems.length = 0
  await menu(page, '面试安排')
  await page.locator('.iv-sessions tr', { hasText: cityTitle }).locator('.iv-open').click()
  let sent = false
  page.on('request', (q) => { if (/\/applications\/batch$/.test(new URL(q.url()).pathname)) sent = true })
  await page.locator('.iv-roster .iv-pass-on').click()
  const held = page.locator('.iv-pass-held')
  await held.getByText(/暂不能.+公示/).waitFor()
  await held.getByRole('button', { name: '知道了' }).click()
  assert.equal(sent, false, 'nothing sent')
  assert.deepEqual(await position(app), { code: 'mid_review', step: 9, state: 'in_review' })
})
