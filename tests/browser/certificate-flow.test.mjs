// 制发文件、网络打印证书 (issue 9) in headless Chromium, against the real stack:
//   PORTAL_URL=http://127.0.0.1:8080 node --test tests/browser/certificate-flow.test.mjs
// Two applications of the demo applicant are walked to the last step of 中级评审 through the API.
// Then, by clicking: the 市建设中评委办公室 clerk opens 制发文件, chooses both, fills in the 文号
// (the preview reads like the document), issues it, prints it; the applicant sees the certificate
// on the application's page and prints it; its QR code, decoded from a screenshot of the printed
// certificate, opens the public verification page (no login), which confirms it; the clerk
// revokes it in 电子证书 and the same page says it is revoked. Screenshots:
// tests/out/screenshots/certificate-*.png.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomInt } from 'node:crypto'
import jsQR from 'jsqr'
import { DEMO_APPLICANT, loginAs, retire, sql } from '../integration/lib.mjs'
import { newDrafts } from '../integration/drafts.mjs'
import { position, walk } from '../integration/walk.mjs'
import { BASE, SHOTS, flow, login } from './harness.mjs'

const h = flow('certificate')
const { newPage, step, cspErrors } = h

// (dated today in Beijing time, as the form is: the 文号's year is the document's)
const YEAR = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 4)
const NUMBER = `金建评${randomInt(1, 1e5)}〔${YEAR}〕${randomInt(1, 9999)}号`

let apps = []
let verifyUrl = ''

before(async () => {
  await h.launch()
  const applicant = await loginAs('applicant', DEMO_APPLICANT)
  apps = await newDrafts(2)
  await sql(`UPDATE application SET specialty = '市政工程' WHERE id = ${apps[1]}`)
  for (const id of apps) {
    assert.equal((await applicant.post(`/applications/${id}/submit`)).status, 200)
    await walk(id, 12)
  }
})

after(async () => {
  await h.close()
  await retire(`id IN (${apps.join(', ') || 0})`)
})

const shot = (page, name) => page.screenshot({ path: `${SHOTS}certificate-${name}.png`, fullPage: true })

/* The QR code in a PNG screenshot, decoded: the PNG drawn on a canvas of a blank page, then jsQR. */
async function decodePng(context, png) {
  const blank = await context.newPage()
  const { w, h, data } = await blank.evaluate(async (b64) => {
    const img = new Image()
    img.src = `data:image/png;base64,${b64}`
    await img.decode()
    const c = document.createElement('canvas')
    c.width = img.width
    c.height = img.height
    const g = c.getContext('2d')
    g.drawImage(img, 0, 0)
    return { w: c.width, h: c.height, data: Array.from(g.getImageData(0, 0, c.width, c.height).data) }
  }, png.toString('base64'))
  await blank.close()
  const qr = jsQR(Uint8ClampedArray.from(data), w, h)
  assert.ok(qr, 'no QR code in the screenshot')
  return qr.data
}

step('the clerk issues a results document from 制发文件: choose, 文号, preview, 确认印发', async () => {
  const { context, page } = await newPage()
  await login(page, 'city', 'jh_zpw')
  await page.locator('.side-menu .el-menu-item', { hasText: '制发文件' }).click()
  await page.locator('.doc-waiting').waitFor()
  for (const id of apps) {
    const row = page.locator('.doc-waiting .el-table__body-wrapper tbody tr', { has: page.locator(`a[href$="/applications/${id}"]`) })
    await row.locator('.el-checkbox').click()
  }
  await page.locator('.doc-new', { hasText: '已选 2 人' }).click()
  // 〔〕 goes where the caret is: typed 金建评12号, the caret put after 金建评
  const number = page.locator('#doc-number')
  await number.fill('金建评12号')
  await number.evaluate((el) => el.setSelectionRange(3, 3))
  await page.locator('.el-button', { hasText: /^〔〕$/ }).click()
  assert.equal(await number.inputValue(), `金建评〔${YEAR}〕12号`)
  await number.fill(NUMBER)
  const preview = page.locator('.doc-preview')
  await preview.getByText(NUMBER).waitFor()
  const text = await preview.innerText()
  for (const s of ['金华市建设工程技术人员工程师职务任职资格评审委员会办公室文件', '市政工程专业（1 人）', '建筑工程施工专业（1 人）', '张建国'])
    assert.ok(text.includes(s), `the preview lacks ${s}`)
  await shot(page, 'issue')
  const [resp] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname.endsWith('/documents')),
    page.locator('.doc-issue-confirm').click(),
  ])
  const body = await resp.json()
  assert.equal(resp.status(), 201, JSON.stringify(body))
  assert.equal(body.completed, 2)
  const row = page.locator('.doc-list .el-table__body-wrapper tbody tr', { hasText: NUMBER })
  await row.waitFor()
  assert.match(await row.innerText(), /2 人 \/ 2 份/)
  await shot(page, 'documents')
  // 打印: the document in a tab of its own
  const [doc] = await Promise.all([context.waitForEvent('page'), row.locator('.doc-print').click()])
  await doc.waitForLoadState('load')
  const docText = await doc.locator('body').innerText()
  for (const s of [NUMBER, '建筑工程施工专业（1 人）', 'JHJS'])
    assert.ok(docText.includes(s), `the document lacks ${s}`)
  await doc.screenshot({ path: `${SHOTS}certificate-document.png`, fullPage: true })
  for (const id of apps) assert.equal((await position(id)).state, 'completed')
  await context.close()
})

step('the applicant sees the certificate, prints it; its QR code opens the public verification page', async () => {
  const { context, page } = await newPage()
  await login(page, 'applicant', DEMO_APPLICANT)
  // 首页 says it, and its link opens the application
  const notice = page.locator('.home-notice', { has: page.locator(`.home-notice-link[href="#/applications/${apps[0]}"]`) })
  assert.match(await notice.innerText(), /已评审通过，证书已发放（证书编号 JHJS\d{4}Z\d{6}），可在线查看并打印。\s*查看证书/)
  await notice.locator('.home-notice-link').click()
  const card = page.locator('.pg-certificate')
  await card.waitFor()
  assert.match(await card.innerText(), /JHJS\d{4}Z\d{6}[\s\S]*建设工程工程师[\s\S]*有效/)
  await shot(page, 'progress')
  const [cert] = await Promise.all([context.waitForEvent('page'), card.locator('.pg-cert-print').click()])
  await cert.waitForLoadState('load')
  const certText = await cert.locator('body').innerText()
  for (const s of ['专业技术职务任职资格证书', '张建国', '3307**********0015', '建设工程工程师', NUMBER])
    assert.ok(certText.includes(s), `the certificate lacks ${s}`)
  assert.ok(!certText.includes('330702199001010015'))
  await cert.screenshot({ path: `${SHOTS}certificate-print.png`, fullPage: true })
  verifyUrl = await decodePng(context, await cert.locator('.qr svg').screenshot())
  assert.match(verifyUrl, new RegExp(`^${BASE}/verify/[0-9a-f]{32}$`))
  // opened by someone else: a fresh browser, no session
  const other = await h.browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', isMobile: true })
  const v = await other.newPage()
  const resp = await v.goto(verifyUrl)
  assert.equal(resp.status(), 200)
  const vText = await v.locator('body').innerText()
  assert.match(vText, /证书有效/)
  assert.ok(vText.includes('张建国') && vText.includes('3307**********0015'))
  await v.screenshot({ path: `${SHOTS}certificate-verify.png`, fullPage: true })
  await other.close()
  await context.close()
})

step('the clerk revokes it in 电子证书 with a reason; the verification page says it is revoked', async () => {
  const { context, page } = await newPage()
  await login(page, 'city', 'jh_zpw')
  await page.locator('.side-menu .el-menu-item', { hasText: '制发文件' }).click()
  await page.locator('.doc-tabs .el-tabs__item', { hasText: '电子证书' }).click()
  const number = await sql(`SELECT number FROM certificate WHERE application_id = ${apps[0]}`)
  await page.locator('.cert-search input').fill(number)
  await page.locator('.cert-search input').press('Enter')
  const row = page.locator('.cert-list .el-table__body-wrapper tbody tr', { hasText: number })
  await row.waitFor()
  await page.waitForFunction(() => document.querySelectorAll('.cert-list .el-table__body-wrapper tbody tr').length === 1)
  await row.locator('.cert-revoke').click()
  await page.locator('#revoke-reason').fill('经核查，申报业绩材料不实')
  const [resp] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && /\/certificates\/\d+\/revoke$/.test(new URL(r.url()).pathname)),
    page.locator('.revoke-confirm').click(),
  ])
  assert.equal(resp.status(), 200, await resp.text())
  await row.getByText('已撤销').waitFor()
  await shot(page, 'revoked')
  const v = await page.context().newPage()
  await v.goto(verifyUrl)
  const vText = await v.locator('body').innerText()
  assert.match(vText, /被发证机关撤销，不再有效/)
  assert.ok(!vText.includes('业绩材料不实'), 'the reason on the public page')
  await v.screenshot({ path: `${SHOTS}certificate-verify-revoked.png`, fullPage: true })
  await context.close()
})

test('no Content-Security-Policy violation on any page', () => {
  assert.deepEqual(cspErrors, [])
})
