// 评定 and 公布初定结果 in headless Chromium (sql/086), against the real stack:
//   PORTAL_URL=http://127.0.0.1:8080 node --test tests/browser/assessment-flow.test.mjs
// An application of the demo applicant waits at 市人力社保局评定 (中级初定 ④, mid_assess step 5; the
// steps before are fixtures). By clicking, as jh_rsj: 评定不通过 says, before it is confirmed, that
// the application goes on and the reason is told when the 初定 result is published; the
// application is then at 公布初定结果, whose detail says why it is not in the 公示 and offers
// 办理评定未通过 with the 评定's reason, which ends it.
// Screenshots: tests/out/screenshots/assessment-*.png.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { DEMO_APPLICANT, lit, loginAs, retire, sql } from '../integration/lib.mjs'
import { newDrafts, onChain } from '../integration/drafts.mjs'
import { position, walk } from '../integration/walk.mjs'
import { BASE, SHOTS, answer, expectOk, flow, login } from './harness.mjs'

const h = flow('assessment')
const { newPage, step } = h
const REASON = '近三年年度考核结果不符合要求。'

let Q, page

before(async () => {
  await h.launch()
  const applicant = await loginAs('applicant', DEMO_APPLICANT)
  ;[Q] = await newDrafts(1)
  await onChain([Q], 'mid_assess')
  assert.equal((await applicant.post(`/applications/${Q}/submit`)).status, 200)
  await walk(Q, 5)
})

after(async () => {
  if (Q) await retire(`id IN (${Q})`)
  await h.close()
})

async function shot(name) {
  await page.evaluate(() => window.scrollTo(0, 0))
  await page.screenshot({ path: `${SHOTS}assessment-${name}.png`, fullPage: true })
}

step('评定不通过 says the application goes on, the reason told when published', async () => {
  ;({ page } = await newPage())
  await login(page, 'hrb', 'jh_rsj')
  page.problems.length = 0 // the login page's own 401 (no session yet) is no problem
  await page.goto(`${BASE}/hrb/#/applications/${Q}`)
  await page.locator('.rd-gate', { hasText: '初定结果在“公布初定结果”时告知申报人' }).waitFor()
  await page.locator('.decide-reject', { hasText: '评定不通过' }).click()
  await page.locator('#decide-text').fill(REASON)
  await page.locator('.decide-confirm', { hasText: '确认评定不通过' }).click()
  const box = page.locator('.el-message-box')
  await box.getByText('将转入下一环节，公布初定结果时以所填理由通知申报人', { exact: false }).waitFor()
  await shot('confirm')
  const [r] = await Promise.all([answer(page, 'POST', new RegExp(`/applications/${Q}/move$`)),
    box.locator('.el-button--primary').click()])
  await expectOk(r)
  assert.deepEqual(await position(Q), { code: 'mid_assess', step: 6, state: 'in_review' })
})

step('公布初定结果: kept out of the 公示, ended with the 评定\'s reason', async () => {
  // back on the list, where the application waits at 公布初定结果 (the same bureau's step)
  await page.locator('.el-message', { hasText: '已评定不通过' }).waitFor()
  // its row says it is not in the 公示 and opens its detail to 办理评定未通过 (not a dialog)
  const row = page.locator('.el-table__body-wrapper tbody tr', { hasText: '评定未通过：不列入初定结果公示' })
  await row.first().waitFor()
  assert.equal(await row.first().locator('.wl-step-page').count(), 0)
  assert.equal(await row.first().locator('.act-pass').count(), 0)
  await shot('worklist')
  await Promise.all([page.waitForURL(new RegExp(`#/applications/${Q}$`)),
    row.first().locator('.act-reject', { hasText: '办理评定未通过' }).click()])
  const gate = page.locator('.rd-gate', { hasText: '不列入初定结果公示' })
  await gate.waitFor()
  assert.match(await gate.innerText(), new RegExp(`评定不通过理由：${REASON}`))
  await page.locator('.rd-pass-gate', { hasText: '公布初定结果：办理评定未通过' }).waitFor()
  await page.locator('.decide-reject', { hasText: '办理评定未通过' }).click()
  assert.equal(await page.locator('#decide-text').inputValue(), REASON)
  assert.equal(await page.locator('#decide-text').getAttribute('readonly'), '')
  await shot('publish')
  await page.locator('.decide-confirm', { hasText: '确认办理评定未通过' }).click()
  const box = page.locator('.el-message-box')
  await box.getByText('初定结果将公布为未通过', { exact: false }).waitFor()
  const [r] = await Promise.all([answer(page, 'POST', new RegExp(`/applications/${Q}/move$`)),
    box.locator('.el-button--primary').click()])
  await expectOk(r)
  assert.deepEqual(await position(Q), { code: 'mid_assess', step: 6, state: 'rejected' })
  const said = await sql(`SELECT body FROM notification WHERE user_id = (SELECT id FROM app_user
    WHERE username = ${lit(DEMO_APPLICANT)}) ORDER BY id DESC LIMIT 1`)
  assert.match(said, new RegExp(`初定结果已公布：未通过，理由：${REASON}$`))
  await shot('published')
  assert.deepEqual(page.problems.filter((p) => !/favicon/.test(p)), [])
})

test('no Content Security Policy violations in the flow', () => {
  assert.deepEqual(h.cspErrors, [])
})
