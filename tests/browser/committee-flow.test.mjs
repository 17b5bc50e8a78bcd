// 评审会议 in headless Chromium (issue 9), against the real stack:
//   PORTAL_URL=http://127.0.0.1:8080 node --test tests/browser/committee-flow.test.mjs
// An application of the demo applicant waits at 婺城区's 初评委 (mid_review step 7; the steps
// before are fixtures). By clicking: the committee office (wucheng_cpw) adds two members, makes a
// meeting, puts the application on its agenda, records both members present and opens the
// ballot; each member, in a browser of their own, logs in to the county portal with the office's
// password, which is good for that first login only (账号设置's form asks for their own before
// anything else), sees a menu of their ballots only, reads the 评审表 and votes 同意 after a confirmation, and cannot vote again; the
// office closes the ballot, sees it carried, prints the 会议纪要 (to an A4 PDF) and carries out
// the result: the application goes on to the city. Screenshots: tests/out/screenshots/committee-*.png.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { DEMO_APPLICANT, lit, loginAs, mobile, retire, sql, tag } from '../integration/lib.mjs'
import { newDrafts } from '../integration/drafts.mjs'
import { clerk, position, walk } from '../integration/walk.mjs'
import { BASE, SHOTS, answer, expectOk, flow, menu } from './harness.mjs'

const h = flow('committee')
const { newPage, step } = h

const OUT = fileURLToPath(new URL('../out/', import.meta.url))
const PASSWORD = 'Member@2023' // the office's choice: one-time
const OWN = 'Member#Own2027' // the member's own, set at the first login

let office // the API session of wucheng_cpw, for fixtures and cleanup
let app
const setAside = []
const members = [
  { username: `bw_${tag()}_1`, name: '陈建国', specialty: '建筑结构', employer: '浙江省建筑设计研究院' },
  { username: `bw_${tag()}_2`, name: '林晓梅', specialty: '建筑施工', employer: '金华职业技术学院' },
]
let meetingTitle

before(async () => {
  await h.launch()
  office = await clerk('county', 'wucheng_cpw')
  // the committee is the two members this test adds: those there already sit it out
  for (const m of (await office.get('/committee')).json.members.filter((x) => !x.disabled)) {
    assert.equal((await office.post(`/committee/members/${m.id}/disable`, { disabled: true })).status, 200)
    setAside.push(m.id)
  }
  const applicant = await loginAs('applicant', DEMO_APPLICANT)
  ;[app] = await newDrafts(1)
  assert.equal((await applicant.post(`/applications/${app}/submit`)).status, 200)
  await walk(app, 7)
  meetingTitle = `婺城区初评委评审会议 ${tag().slice(-4)}`
})

after(async () => {
  if (app) await retire(`id = ${app}`)
  for (const m of (await office.get('/committee')).json.members)
    if (members.some((x) => x.username === m.username) && !m.disabled)
      await office.post(`/committee/members/${m.id}/disable`, { disabled: true })
  for (const id of setAside) await office.post(`/committee/members/${id}/disable`, { disabled: false })
  await h.close()
})

async function shot(page, name) {
  await page.evaluate(() => window.scrollTo(0, 0))
  await page.screenshot({ path: `${SHOTS}committee-${name}.png`, fullPage: true })
}

// own: the password chosen by someone else is one-time: the first login sets this one first
async function login(page, username, password, { own } = {}) {
  await page.goto(`${BASE}/county/`, { waitUntil: 'domcontentloaded' })
  await page.locator('#login-username').fill(username)
  await page.locator('#login-password').fill(password)
  await page.locator('.login-submit').click()
  if (own) {
    await page.locator('.pw-first-alert', { hasText: '请先修改初始密码' }).waitFor()
    await page.locator('#pw-old').fill(password)
    await page.locator('#pw-new').fill(own)
    await page.locator('#pw-confirm').fill(own)
    const [r] = await Promise.all([
      answer(page, 'POST', /\/password$/),
      page.locator('.password-form').getByRole('button', { name: '修改密码' }).click(),
    ])
    await expectOk(r)
  }
  await page.locator('.welcome').waitFor()
  page.problems.length = 0 // the login page's own 401 (no session yet) is no problem
}

// Confirms the open ElMessageBox with its primary button.
async function confirmBox(page) {
  const box = page.locator('.el-message-box')
  await box.waitFor()
  await box.locator('.el-button--primary').click()
}

let officePage

step('the office adds two members, each with a password of its own', async () => {
  const { page } = await newPage()
  officePage = page
  await login(page, 'wucheng_cpw', 'Demo@2023')
  const menu = await page.locator('.side-menu').innerText()
  assert.match(menu, /评审会议/)
  assert.doesNotMatch(menu, /即将开放/)
  await page.locator('.side-menu .el-menu-item', { hasText: '评审会议' }).click()
  await page.locator('.mt-list').waitFor()
  await page.locator('.el-tabs__item', { hasText: '委员管理' }).click()
  for (const m of members) {
    await page.locator('.mb-new').click()
    const dlg = page.locator('.el-dialog', { hasText: '新增委员' })
    await dlg.locator('#mb-username').fill(m.username)
    await dlg.locator('#mb-name').fill(m.name)
    await dlg.locator('#mb-specialty').fill(m.specialty)
    await dlg.locator('#mb-employer').fill(m.employer)
    await dlg.locator('#mb-mobile').fill(mobile())
    await dlg.locator('#mb-password').fill(PASSWORD)
    const [r] = await Promise.all([answer(page, 'POST', /\/committee\/members$/), dlg.locator('.mb-save').click()])
    const body = await expectOk(r, 201)
    assert.equal(body.password, undefined, 'a password given is not shown back')
    await page.locator('.mt-members tbody tr', { hasText: m.username }).waitFor()
  }
  await shot(page, 'members')
})

step('a meeting, the application on its agenda, both members present', async () => {
  const page = officePage
  await page.locator('.el-tabs__item', { hasText: '会议安排' }).click()
  await page.locator('.mt-new').click()
  const dlg = page.locator('.el-dialog', { hasText: '新建评审会议' })
  await dlg.locator('#mt-title').fill(meetingTitle)
  // now, Beijing time: the ballot opens at the meeting's time, not before (sql/040)
  await dlg.locator('#mt-starts-at').fill(new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 16).replace('T', ' '))
  await dlg.locator('#mt-starts-at').press('Enter')
  await dlg.locator('#mt-place').fill('婺城区住建局三楼会议室')
  const [r] = await Promise.all([answer(page, 'POST', /\/meetings$/), dlg.locator('.mt-save').click()])
  await expectOk(r, 201)
  // the waiting list has this application: chosen by its plan (each test plan is its own)
  const plan = (await office.get('/meetings')).json.waiting.find((x) => x.id === app).plan
  const waitingRow = page.locator('.mt-waiting tbody tr', { hasText: plan })
  // which ballot it waits for (a desk may hold two kinds): the step, and the plan's whole name
  assert.match(await waitingRow.locator('.mt-step').innerText(), /评审推荐|组织评审|评审$/)
  assert.equal((await waitingRow.locator('.mt-plan').innerText()).trim(), plan)
  await waitingRow.locator('.el-checkbox').click()
  await page.locator('.mt-target').click()
  await page.locator('.el-select-dropdown__item', { hasText: meetingTitle }).click()
  const [a] = await Promise.all([answer(page, 'POST', /\/agenda$/), page.locator('.mt-add').click()])
  assert.equal((await expectOk(a)).added, 1)
  await shot(page, 'meetings')
  await page.locator('.mt-list tbody tr', { hasText: meetingTitle }).locator('.mt-open').click()
  await page.locator('.md-attendance').waitFor()
  for (const m of members) await page.locator('.md-member', { hasText: m.name }).click()
  const [p] = await Promise.all([answer(page, 'PUT', /\/attendance$/), page.locator('.md-save-attendance').click()])
  const body = await expectOk(p)
  assert.deepEqual([body.meeting.present, body.meeting.quorum_met], [2, true])
  await shot(page, 'meeting-planned')
  // a few seconds before its time 开始投票 waits, said beside it, and comes by itself when it is time
  await sql(`UPDATE committee_meeting SET starts_at = now() + interval '4 seconds' WHERE title = ${lit(meetingTitle)}`)
  await page.locator('.meeting > .page-head').getByRole('button', { name: '刷新' }).click()
  await page.locator('.md-early').waitFor()
  assert.ok(await page.locator('.md-open').isDisabled())
  await page.locator('.md-early').waitFor({ state: 'detached' })
  assert.ok(await page.locator('.md-open').isEnabled())
  await page.locator('.md-open').click()
  const [o] = await Promise.all([answer(page, 'POST', /\/open$/), confirmBox(page)])
  assert.equal((await expectOk(o)).meeting.state, 'open')
  await page.locator('.md-close').waitFor()
})

// the second member votes on a phone, where the meetings are cards with their button in sight
async function memberVotes(m, index) {
  const phone = index === 1
  const { context, page } = await newPage(phone ? { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true } : {})
  await login(page, m.username, PASSWORD, { own: OWN })
  // a member's menu: their ballots and their account, nothing of the desk
  if (!phone) assert.deepEqual((await page.locator('.side-menu').innerText()).split('\n'), ['首页', '我的评审会议', '账号设置'])
  // the header says what they are here, not the department's portal
  assert.equal(await page.locator('.brand-portal').innerText(), '评审委员会委员')
  if (!phone) {
    // and so does 账号设置, not the department's 县（市、区）主管部门
    await menu(page, '账号设置')
    await page.locator('.password-form').waitFor()
    assert.match(await page.locator('.account').innerText(), /角色\s+评审委员会委员/)
  }
  await page.goto(`${BASE}/county/#/worklist`)
  await page.locator('.ballots').waitFor()
  const meeting = phone ? page.locator('.bl-card', { hasText: meetingTitle }) : page.locator('.ballots tbody tr', { hasText: meetingTitle })
  if (phone) {
    await meeting.getByText('已登记出席 · 已表决 0 / 1 份').waitFor()
    const box = await meeting.locator('.bl-open').boundingBox()
    assert.ok(box && box.x + box.width <= 390, `进入表决 in sight: ${JSON.stringify(box)}`)
  }
  await meeting.locator('.bl-open').click()
  await page.locator('.bt-item').waitFor()
  // the 评审表 opens in a tab of its own, without the 身份证号 in full
  const [form] = await Promise.all([context.waitForEvent('page'), page.locator('.bt-form').click()])
  await form.waitForLoadState()
  const text = await form.locator('body').innerText()
  assert.match(text, /专业技术职务任职资格评审表/)
  assert.ok(!text.includes(DEMO_APPLICANT))
  // on a phone it fits the screen (its tables were 498 px on 390)
  if (phone) assert.ok(await form.evaluate(() => document.documentElement.scrollWidth) <= 390, '评审表 fits a phone')
  await form.close()
  if (index === 0) await shot(page, 'member-ballot')
  await page.locator('.bt-agree').click()
  await page.locator('.el-message-box').waitFor()
  if (index === 0) await page.screenshot({ path: `${SHOTS}committee-member-confirm.png` })
  const [v] = await Promise.all([answer(page, 'POST', /\/vote$/), confirmBox(page)])
  assert.deepEqual(await expectOk(v), { ok: true })
  await page.locator('.bt-voted').waitFor()
  assert.equal(await page.locator('.bt-agree').count(), 0, 'no second vote')
  if (index === 0) await shot(page, 'member-voted')
  await context.close()
}

// the office, which opens and closes the ballot, would hold a member's secret vote with a
// password of its making: 重置密码 is not offered while the member's ballot is open
step('while the ballot is open, 重置密码 is not offered for its members', async () => {
  const page = officePage
  const meetingUrl = page.url()
  await page.locator('.side-menu .el-menu-item', { hasText: '评审会议' }).click()
  await page.locator('.el-tabs__item', { hasText: '委员管理' }).click()
  for (const m of members) {
    const row = page.locator('.mt-members tbody tr', { hasText: m.username })
    assert.ok(await row.locator('.mb-reset').isDisabled(), `${m.name}: 重置密码 disabled`)
    await row.locator('.mb-voting', { hasText: '投票中' }).waitFor()
  }
  await page.goto(meetingUrl)
  await page.locator('.md-close').waitFor()
})

step('each member votes 同意 in a browser of their own, once', async () => {
  for (let i = 0; i < members.length; i++) await memberVotes(members[i], i)
  h.current = officePage
})

step('the office closes the ballot, sees it carried, prints the minutes and carries out the result', async () => {
  const page = officePage
  await page.locator('.md-close').click()
  const [c] = await Promise.all([answer(page, 'POST', /\/close$/), confirmBox(page)])
  const body = await expectOk(c)
  const it = body.agenda.find((x) => x.id === app)
  assert.deepEqual([it.eligible, it.agree, it.disagree, it.abstain, it.carried], [2, 2, 0, 0, true])
  await page.locator('.md-agenda .el-table__body .el-tag--success', { hasText: '通过' }).waitFor()
  await shot(page, 'meeting-closed')
  const [minutes] = await Promise.all([page.context().waitForEvent('page'), page.locator('.md-minutes').click()])
  await minutes.waitForLoadState()
  assert.match(await minutes.locator('h1').innerText(), /评审会议纪要/)
  await minutes.screenshot({ path: `${SHOTS}committee-minutes.png`, fullPage: true })
  const pdf = `${OUT}committee-minutes.pdf`
  await minutes.pdf({ path: pdf, format: 'A4', printBackground: true })
  await minutes.close()
  const flat = execFileSync('pdftotext', [pdf, '-'], { encoding: 'utf8' }).replace(/\s+/g, '')
  for (const s of ['评审会议纪要', meetingTitle.replace(/\s+/g, ''), members[0].name, members[1].name, '通过'])
    assert.ok(flat.includes(s), `the minutes lack ${s}`)
  assert.match(execFileSync('pdfinfo', [pdf], { encoding: 'utf8' }), /Page size:\s+595\.\d+ x 84[12]\.\d+ pts \(A4\)/)
  // the worklist's 不通过 on the row the committee voted through: refused before a reason is typed
  const meetingUrl = page.url()
  await page.goto(`${BASE}/county/#/worklist?step=7&q=${DEMO_APPLICANT}`)
  const row = page.locator('.worklist-table .el-table__body-wrapper tbody tr').filter({ has: page.locator('.act-reject') }).first()
  const [asked] = await Promise.all([answer(page, 'POST', /\/applications\/gates$/), row.locator('.act-reject').click()])
  assert.equal(JSON.parse(asked.request().postData()).action, 'reject')
  const blocked = page.locator('.move-blocked', { hasText: '暂不能作不通过处理' })
  await blocked.waitFor()
  assert.match(await blocked.innerText(), /评审会议已表决通过该申报，不能作不通过处理，请按表决结果办理通过/)
  assert.equal(await page.locator('.move-confirm').isDisabled(), true)
  await page.locator('.el-dialog').getByRole('button', { name: '取消' }).click()
  await blocked.waitFor({ state: 'detached' })
  await page.goto(meetingUrl)
  await page.locator('.md-settle').click()
  // who goes which way, by name, before the click that cannot be undone
  const applicantName = await sql(`SELECT u.name || '（' || p.name || '）' FROM application a JOIN app_user u ON u.id = a.applicant_id
    JOIN plan p ON p.id = a.plan_id WHERE a.id = ${app}`)
  const box = page.locator('.el-message-box')
  await box.getByText('表决通过，审查通过并进入下一环节（1 份）：').waitFor()
  assert.deepEqual(await box.locator('.settle-names li').allInnerTexts(), [applicantName])
  const [s] = await Promise.all([answer(page, 'POST', /\/settle$/), confirmBox(page)])
  assert.deepEqual([(await expectOk(s)).passed], [1])
  await page.locator('.md-agenda', { hasText: '已办理' }).waitFor()
  assert.deepEqual(await position(app), { code: 'mid_review', step: 8, state: 'in_review' })
  assert.deepEqual(page.problems.filter((p) => !/favicon/.test(p)), [])
})

test('no Content Security Policy violations in the flow', () => {
  assert.deepEqual(h.cspErrors, [])
})
