// The applicant's whole way through the portal in headless Chromium, against the real stack:
//   PORTAL_URL=http://127.0.0.1:8080 node --test tests/browser/applicant-flow.test.mjs
// register → 个人基本信息 → 业绩档案 with a PDF → the unit approves it (second browser context) →
// 评审工作计划 → 马上申报 → the seven wizard steps (photo made in the page, the 承诺书 signed on a
// "phone" context while the desktop notices by itself, drafts survive a reload, attachments) →
// 提交 → 申报进度 shows the unit step as current → 退回 and resubmit → at the fee step, 缴费 through
// the demo's simulated gateway (模拟支付) by clicking. Screenshots of every step go to
// tests/out/screenshots/flow-*.png. Fails on any Content-Security-Policy violation.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomInt } from 'node:crypto'
import { VAR, lit, mobile, sql } from '../integration/lib.mjs'
import { idcardOf, personName, tinyPdf } from '../integration/applicant-fixtures.mjs'
import { BASE, SHOTS, answer, expectOk, flow, menu, pick } from './harness.mjs'

const h = flow('flow', { viewport: { width: 1366, height: 800 }, failurePage: () => desk?.page })
const { newPage, step, cspErrors } = h

const UNIT = { username: 'unit_hongda', password: 'Demo@2023', name: '金华宏达建设工程有限公司' }

const person = {
  idcard: idcardOf(true),
  name: personName(),
  mobile: mobile(),
  password: `Flow#${randomInt(1000, 9999)}ab`,
}
const project = `金华市婺城区安置房${randomInt(100, 999)}号地块工程`
const secrets = [] // the signing token and the order number: never in a server's log
let tmp
let desk // {context, page}: the applicant on a desktop
let appId = null
let itemId = null

before(async () => {
  await h.launch()
  tmp = await mkdtemp(join(tmpdir(), 'zcps-flow-'))
  desk = await newPage()
})

after(async () => {
  await h.close()
  if (tmp) await rm(tmp, { recursive: true, force: true })
})

// Full-page pictures start at the top (the top bar is sticky).
async function shot(page, name) {
  await page.evaluate(() => window.scrollTo(0, 0))
  await page.screenshot({ path: `${SHOTS}flow-${name}.png`, fullPage: true })
}

async function pickDate(page, inputSelector, ymd) {
  const input = page.locator(inputSelector)
  await input.click()
  await input.fill(ymd)
  await input.press('Enter')
  await page.waitForFunction((sel) => document.querySelector(sel).value.length === 10, inputSelector)
}

async function wizardStep(page, n) {
  await page.locator(`.wizard-body[data-step="${n}"]`).waitFor()
}

describe('applicant flow: from registration to a submitted application', () => {
  step('a new applicant registers', async () => {
    const { page } = desk
    await page.goto(`${BASE}/applicant/#/register`, { waitUntil: 'domcontentloaded' })
    await page.locator('#reg-idcard').fill(person.idcard)
    await page.locator('#reg-name').fill(person.name)
    await page.locator('#reg-mobile').fill(person.mobile)
    await page.locator('#reg-password').fill(person.password)
    await page.locator('#reg-confirm').fill(person.password)
    const [reg] = await Promise.all([answer(page, 'POST', /\/register$/), page.locator('.register-submit').click()])
    await expectOk(reg, 201)
    await page.locator('.welcome').waitFor()
    assert.equal(await page.locator('.side-menu .menu-soon').count(), 0, 'every applicant page is open')
  })

  step('个人基本信息: fill the profile', async () => {
    const { page } = desk
    const [first] = await Promise.all([answer(page, 'GET', /\/profile$/), menu(page, '个人基本信息')])
    const before = await expectOk(first)
    assert.equal(before.complete, false)
    await page.locator('.profile-missing').waitFor()
    assert.match(await page.locator('#pf-idcard').inputValue(), /\*{4,}/, '身份证号 is masked')
    assert.ok(['男', '女'].includes(await page.locator('#pf-gender').inputValue()), 'gender derived')
    assert.equal(await page.locator('#pf-birth').inputValue(), before.derived.birth_date)
    await shot(page, '01-profile-empty')

    await pick(page, '#pf-ethnicity', '汉族')
    await pick(page, '#pf-education', '大学本科')
    await pick(page, '#pf-degree', '学士')
    await page.locator('#pf-school').fill('浙江工业大学')
    await page.locator('#pf-major').fill('土木工程')
    await pickDate(page, '#pf-graduation', '2013-07-01')
    await pickDate(page, '#pf-work-start', '2013-08-01')
    await page.locator('#pf-specialty').fill('建筑工程施工')
    await pick(page, '#pf-title', '助理工程师')
    await pickDate(page, '#pf-title-date', '2018-01-01')
    await pickDate(page, '#pf-appointed-date', '2018-03-01')
    const [units] = await Promise.all([answer(page, 'GET', /\/units$/), pick(page, '#pf-unit', UNIT.name, { type: '宏达' })])
    const found = await expectOk(units)
    assert.ok(found.items.some((u) => u.name === UNIT.name), 'the approved unit is found')
    await page.locator('#pf-custody').getByText('现工作单位').click()
    // what is typed and not saved survives a reload, said so, the chosen unit with its name
    await page.reload()
    await page.locator('.pf-restored', { hasText: '已恢复您在本浏览器中尚未保存的修改' }).waitFor()
    assert.equal(await page.locator('#pf-school').inputValue(), '浙江工业大学')
    assert.equal(await page.locator('#pf-specialty').inputValue(), '建筑工程施工')
    await page.locator('.profile-form .el-select__selected-item', { hasText: UNIT.name }).waitFor()
    // 编制情况 goes with the employer: a company's staff are 非事业单位人员
    await pick(page, '#pf-staffing', '在编')
    await page.locator('.pf-staffing-hint', { hasText: '现工作单位不是事业单位，请选择“非事业单位人员”' }).waitFor()
    await pick(page, '#pf-staffing', '非事业单位人员')
    await page.locator('.pf-staffing-hint').waitFor({ state: 'detached' })
    const [put] = await Promise.all([answer(page, 'PUT', /\/profile$/), page.locator('.profile-save').click()])
    const saved = await expectOk(put)
    assert.equal(saved.complete, true, `profile complete, missing: ${JSON.stringify(saved.missing)}`)
    assert.equal(saved.profile.unit_name, UNIT.name)
    assert.equal(saved.profile.title_date, '2018-01-01')
    assert.equal(saved.profile.appointed_date, '2018-03-01')
    await page.locator('.profile-complete').waitFor()
    // saved: nothing is kept any more
    await page.locator('.pf-restored').waitFor({ state: 'detached' })
    assert.equal(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.endsWith(':profile')).length), 0)
    await shot(page, '02-profile-saved')
  })

  step('我的业绩档案: add a project with a PDF attachment', async () => {
    const { page } = desk
    await menu(page, '我的业绩档案')
    await page.locator('.archive-table').waitFor()
    await page.locator('.archive-add').click()
    const dlg = page.locator('.archive-dialog')
    await dlg.waitFor()
    await pick(page, '#ar-kind', '工程项目')
    await dlg.getByText('项目名称').waitFor()
    await dlg.getByText('建设单位').waitFor()
    await page.locator('#ar-title').fill(project)
    // Esc with something typed asks first, and 继续填写 keeps it (the phone walk: × threw a
    // half-typed 业绩 away without a word)
    await page.keyboard.press('Escape')
    const ask = page.locator('.archive-close-confirm')
    await ask.waitFor()
    await ask.getByRole('button', { name: '继续填写' }).click()
    await ask.waitFor({ state: 'hidden' })
    assert.equal(await page.locator('#ar-title').inputValue(), project)
    await page.locator('#ar-role').fill('项目技术负责人')
    await page.locator('#ar-org').fill('金华市城市建设投资集团有限公司')
    await page.locator('#ar-number').fill('330702202005120101')
    await pick(page, '#ar-level', '中型')
    await pickDate(page, '#ar-date', '2021-06-30')
    await dlg.getByText('单个文件不超过 10MB').waitFor()
    // a file that only claims to be a PDF is refused by the server, with its Chinese message
    const fake = join(tmp, '假文件.pdf')
    await writeFile(fake, 'this is not a pdf at all')
    const [bad] = await Promise.all([
      answer(page, 'POST', /\/uploads$/),
      dlg.locator('.ar-attachments input[type=file]').setInputFiles(fake),
    ])
    assert.ok(bad.status() >= 400 && bad.status() < 500, `fake PDF answered ${bad.status()}`)
    const { error } = await bad.json()
    await dlg.locator('.file-error', { hasText: error.message }).waitFor()
    const pdf = join(tmp, '竣工验收报告.pdf')
    await writeFile(pdf, tinyPdf('acceptance report'))
    const [up] = await Promise.all([
      answer(page, 'POST', /\/uploads$/),
      dlg.locator('.ar-attachments input[type=file]').setInputFiles(pdf),
    ])
    const upload = await expectOk(up, 201)
    await dlg.locator('.file-name', { hasText: '竣工验收报告.pdf' }).waitFor()
    await shot(page, '03-archive-dialog')
    const [post] = await Promise.all([answer(page, 'POST', /\/archive$/), dlg.locator('.archive-save').click()])
    const created = await expectOk(post, 201)
    itemId = created.item.id
    assert.equal(created.item.status, 'pending')
    assert.deepEqual(created.item.attachments.map((a) => a.id), [upload.id])
    const row = page.locator('.archive-table tbody tr', { hasText: project })
    await row.getByText('待审核').waitFor()
    await shot(page, '04-archive-pending')
  })

  step('the unit approves the item in 业绩档案审核', async () => {
    const { context, page } = await newPage()
    try {
      await page.goto(`${BASE}/unit/`, { waitUntil: 'domcontentloaded' })
      await page.locator('#login-username').fill(UNIT.username)
      await page.locator('#login-password').fill(UNIT.password)
      await page.locator('.login-submit').click()
      await page.locator('.welcome').waitFor()
      // 首页 shows the 业绩档案 waiting (the notice: 系统会显示需要审核的业绩档案信息和职称申报申请)
      assert.match(await page.locator('.home-notice', { hasText: '项业绩档案等待审核' }).innerText(), /有 \d+( 余项| 项)业绩档案等待审核。\s*前往审核/)
      const [list] = await Promise.all([answer(page, 'GET', /\/archive$/), menu(page, '业绩档案审核')])
      const pending = await expectOk(list)
      assert.ok(pending.items.some((i) => i.id === itemId), 'the new item waits for the unit')
      const row = page.locator('.review-table .el-table__body-wrapper tbody tr', { hasText: project })
      await row.getByText(person.name).waitFor()
      const link = row.locator('a', { hasText: '竣工验收报告.pdf' })
      assert.match(await link.getAttribute('href'), /^\/api\/unit\/uploads\/\d+$/)
      // the attachment opens for the reviewer
      const file = await page.request.get(`${BASE}${await link.getAttribute('href')}`)
      assert.equal(file.status(), 200)
      assert.ok((await file.body()).subarray(0, 5).equals(Buffer.from('%PDF-')))
      await shot(page, '05-unit-review')
      // 不通过 needs a reason before anything is sent
      let sent = false
      const onReq = (r) => {
        if (/\/review$/.test(r.url())) sent = true
      }
      page.on('request', onReq)
      await row.locator('.review-reject').click()
      const dlg = page.locator('.el-dialog', { hasText: '不通过理由' })
      await dlg.locator('.review-reject-confirm').click()
      await dlg.getByText('请填写不通过理由').waitFor()
      await dlg.getByRole('button', { name: '取消' }).click()
      await dlg.waitFor({ state: 'hidden' })
      page.off('request', onReq)
      assert.equal(sent, false, 'no review without a reason')
      // not confirmed in 人员 yet: said beside the name, and the approval confirms them
      await row.locator('.owner-unconfirmed', { hasText: '人员待确认（通过即确认）' }).waitFor()
      // the notice's 业绩档案审核/具体姓名: the name opens the item's details, and closes them
      const details = page.locator('.review-table .review-detail')
      await row.locator('.review-open', { hasText: person.name }).click()
      await details.getByText('建设单位').waitFor()
      assert.equal(await row.locator('.review-open').getAttribute('aria-expanded'), 'true')
      await row.locator('.review-open').click()
      await details.waitFor({ state: 'hidden' })
      // 通过 that also confirms the person asks first, by name; 取消 sends nothing
      page.on('request', onReq)
      await row.locator('.review-approve').click()
      const ask = page.locator('.review-approve-confirm')
      await ask.getByText(`同时确认${person.name}为本单位人员`).waitFor()
      await ask.getByRole('button', { name: '取消' }).click()
      await ask.waitFor({ state: 'hidden' })
      page.off('request', onReq)
      assert.equal(sent, false, 'no review once 取消 is chosen')
      await row.locator('.review-approve').click()
      const [rev] = await Promise.all([answer(page, 'POST', /\/archive\/\d+\/review$/), ask.getByRole('button', { name: '确认通过' }).click()])
      assert.equal((await expectOk(rev)).person_confirmed, true)
      await page.locator('.el-message', { hasText: `并已确认${person.name}为本单位人员` }).waitFor()
      await row.waitFor({ state: 'detached' })
      await page.locator('.review-tabs').getByText('已通过').click()
      await page.locator('.review-table tbody tr', { hasText: project }).getByText('已通过').waitFor()
      await shot(page, '06-unit-approved')
    } finally {
      await context.close()
    }
  })

  step('评审工作计划 → 马上申报 opens the wizard', async () => {
    const { page } = desk
    await page.locator('.archive-page').getByRole('button', { name: '刷新' }).click()
    await page.locator('.archive-table tbody tr', { hasText: project }).getByText('已通过（修改将生成新版本，需重新审核）').waitFor()
    const [plans] = await Promise.all([answer(page, 'GET', /\/plans$/), menu(page, '评审工作计划')])
    const { items } = await expectOk(plans)
    const plan = items.find((p) => p.open && p.level === 'mid')
    assert.ok(plan, 'an open 中级 plan')
    const card = page.locator('.plan-card', { hasText: plan.name })
    await card.waitFor()
    await shot(page, '07-plans')
    await card.getByRole('button', { name: '查看要求' }).click()
    await page.locator('.plan-title', { hasText: plan.name }).waitFor()
    await shot(page, '08-plan-detail')
    const [created] = await Promise.all([answer(page, 'POST', /\/applications$/), page.locator('.apply-now').click()])
    const body = await expectOk(created, 201)
    appId = body.application.id
    await page.waitForURL(new RegExp(`#/applications/${appId}/wizard(\\?step=1)?$`)) // the wizard then writes its step into the URL
    await wizardStep(page, 1)
    // 首页 reminds of the unsubmitted draft and its deadline, and leads back to it
    await menu(page, '首页')
    const notice = page.locator('.home-notice', { hasText: `您的申报“${plan.name}”尚未提交，申报截止日期为 ${plan.closes_on}` })
    await notice.waitFor()
    await notice.getByRole('link', { name: '继续填写' }).click()
    await page.waitForURL(new RegExp(`#/applications/${appId}/wizard(\\?step=1)?$`))
    await wizardStep(page, 1)
  })

  step('step 1: the photo made in the page is accepted', async () => {
    const { page } = desk
    await page.locator('.photo-rules').getByText('白底证件照，JPG 或 JPEG 格式').waitFor()
    // 330×440, white border, noisy centre: JPEG q0.95 comes out well above 30 KB.
    const b64 = await page.evaluate(() => {
      const c = document.createElement('canvas')
      c.width = 330
      c.height = 440
      const g = c.getContext('2d')
      g.fillStyle = '#fff'
      g.fillRect(0, 0, 330, 440)
      const img = g.createImageData(250, 340)
      for (let i = 0; i < img.data.length; i += 4) {
        img.data[i] = Math.random() * 255
        img.data[i + 1] = Math.random() * 255
        img.data[i + 2] = Math.random() * 255
        img.data[i + 3] = 255
      }
      g.putImageData(img, 40, 60)
      return c.toDataURL('image/jpeg', 0.95).split(',')[1]
    })
    const jpeg = Buffer.from(b64, 'base64')
    assert.ok(jpeg.length > 30 * 1024 && jpeg.length < 1024 * 1024, `photo is ${jpeg.length} bytes`)
    const file = join(tmp, '证件照.jpg')
    await writeFile(file, jpeg)
    const [resp] = await Promise.all([
      answer(page, 'POST', new RegExp(`/applications/${appId}/photo$`)),
      page.locator('.photo-upload input[type=file]').setInputFiles(file),
    ])
    const body = await expectOk(resp)
    assert.equal(body.application.photo_warning ?? null, null, 'white border: no warning')
    const img = page.locator('.photo-img')
    await img.waitFor()
    await page.waitForFunction(() => {
      const i = document.querySelector('.photo-img')
      return i && i.complete && i.naturalWidth === 330
    })
    await page.locator('.photo-ok').waitFor()
    await shot(page, '09-step1-photo')
    // a second photo refused says the first is kept (it read 证件照已上传 beside the refusal)
    const small = join(tmp, '小照片.jpg')
    await writeFile(small, jpeg.subarray(0, 2048))
    await page.locator('.photo-upload input[type=file]').setInputFiles(small)
    await page.locator('.photo-upload .file-error', { hasText: '照片文件须大于 30KB' }).waitFor()
    await page.locator('.photo-kept', { hasText: '目前仍使用原来的证件照' }).waitFor()
    assert.equal(await page.locator('.photo-ok').count(), 0)
    await page.locator('.wizard-next').click()
    await wizardStep(page, 2)
    // on without signing: said, not silent (the first-day walk); back to sign
    await page.locator('.pledge-title').waitFor()
    await page.locator('.wizard-next').click()
    await page.locator('.el-message', { hasText: '尚未签署个人承诺' }).waitFor()
    await wizardStep(page, 3)
    await page.locator('.wizard-prev').click()
    await wizardStep(page, 2)
  })

  step('step 2: signed on a phone, the desktop notices by itself', async () => {
    const { page } = desk
    await page.locator('.pledge-title', { hasText: '专业技术资格申报材料真实性保证书' }).waitFor()
    const [resp] = await Promise.all([
      answer(page, 'POST', new RegExp(`/applications/${appId}/sign-link$`)),
      page.locator('.sign-link').click(),
    ])
    const link = await expectOk(resp)
    assert.match(link.url, /\/applicant\/#\/sign\/[A-Za-z0-9_-]+$/)
    secrets.push(link.url.slice(link.url.lastIndexOf('/') + 1))
    await page.locator('.qr-img').waitFor()
    assert.match(await page.locator('.qr-img').getAttribute('src'), /^data:image\/svg\+xml;charset=utf-8,/)
    await page.waitForFunction(() => document.querySelector('.qr-img').naturalWidth > 0)
    assert.equal(await page.locator('.qr-url input').inputValue(), link.url)
    // one cannot scan one's own phone: the page opens here too
    assert.equal(await page.locator('a.sign-here').getAttribute('href'), link.url)
    await shot(page, '10-step2-qr')

    // The phone: no login, the token in the link is the proof.
    const url = new URL(link.url)
    const phone = await newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true })
    try {
      await phone.page.goto(`${BASE}${url.pathname}${url.hash}`, { waitUntil: 'domcontentloaded' })
      await phone.page.locator('.sign-who', { hasText: person.name }).waitFor()
      await phone.page.locator('.sign-text').first().waitFor()
      // 确认 without a signature is refused in the page
      await phone.page.locator('.sign-confirm').click()
      await phone.page.getByText('请先在签名区手写签名').waitFor()
      const box = await phone.page.locator('.sign-pad').boundingBox()
      assert.ok(box.width > 390 * 0.8, `the pad is full width (${box.width}px)`)
      const m = phone.page.mouse
      await m.move(box.x + 40, box.y + 150)
      await m.down()
      for (let i = 1; i <= 24; i++) await m.move(box.x + 40 + i * 11, box.y + 150 - Math.sin(i / 3) * 60, { steps: 2 })
      await m.up()
      await m.move(box.x + 120, box.y + 60)
      await m.down()
      await m.move(box.x + 160, box.y + 190, { steps: 8 })
      await m.up()
      await shot(phone.page, '11-phone-sign')
      const [signed] = await Promise.all([answer(phone.page, 'POST', /^\/api\/applicant\/sign$/), phone.page.locator('.sign-confirm').click()])
      await expectOk(signed)
      await phone.page.locator('.sign-done').waitFor()
      // not a dead end on the phone: the way on from here (the phone walk)
      assert.equal(await phone.page.locator('.sign-done .sign-back-link').getAttribute('href'), '/applicant/#/applications')
      await shot(phone.page, '12-phone-signed')
      // the link is one-time
      await phone.page.reload({ waitUntil: 'domcontentloaded' })
      await phone.page.locator('.sign-error').waitFor()
      assert.match(await phone.page.locator('.sign-error').innerText(), /[\u4e00-\u9fff]/)
    } finally {
      await phone.context.close()
    }
    // the desktop notices by polling and moves on to step 3 by itself 1.5 s later; the phone's
    // checks above can take longer than that on a busy machine, so step 2 is opened again to
    // read what it says now
    await wizardStep(page, 3)
    await page.locator('.wizard-prev').click()
    await wizardStep(page, 2)
    await page.locator('.pledge-signed').waitFor()
    assert.match(await page.locator('.pledge-signed').innerText(), /已签署[\s\S]*\d{4}-\d{2}-\d{2}/)
    await shot(page, '13-step2-signed')
    // (the wizard records the step it is at: that save is over before the next step's begin)
    await Promise.all([answer(page, 'PUT', new RegExp(`/applications/${appId}/info$`)), page.locator('.wizard-next').click()])
    await wizardStep(page, 3)
    // the browser's Back goes to the step before, Forward to this one again: the wizard stays
    await Promise.all([answer(page, 'PUT', new RegExp(`/applications/${appId}/info$`)), page.goBack()])
    await wizardStep(page, 2)
    assert.match(page.url(), /\/wizard\?step=2$/)
    await Promise.all([answer(page, 'PUT', new RegExp(`/applications/${appId}/info$`)), page.goForward()])
    await wizardStep(page, 3)
  })

  step('step 3: a half-written 述职 survives a reload (drafts)', async () => {
    const { page } = desk
    const half = '本人自2013年参加工作以来，一直从事房屋建筑工程施工技术与管理工作，'
    // the save of this text (the step's own save on arrival may still be on its way)
    const [put] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'PUT'
        && new RegExp(`/applications/${appId}/info$`).test(new URL(r.url()).pathname)
        && JSON.parse(r.request().postData() || '{}').statement === half),
      page.locator('#wz-statement').fill(half),
      page.locator('.save-state').waitFor(),
    ])
    await page.locator('.save-state').waitFor()
    const saved = await expectOk(put)
    assert.equal(saved.application.statement, half)
    await page.locator('.save-state', { hasText: /已保存 \d{2}:\d{2}:\d{2}/ }).waitFor()
    await page.reload({ waitUntil: 'domcontentloaded' })
    await wizardStep(page, 3)
    assert.equal(await page.locator('#wz-statement').inputValue(), half, 'the draft is still there')
    await shot(page, '14-step3-draft-reloaded')
  })

  step('step 3: the counter counts characters as they are seen, like the server', async () => {
    const { page } = desk
    // é (e + U+0301), a ZWJ family, a flag, a thumb with a skin tone, a heart with VS16, 述: six characters
    const seen = 'e\u0301\u{1F468}\u200D\u{1F469}\u200D\u{1F467}\u{1F1E8}\u{1F1F3}\u{1F44D}\u{1F3FD}\u2764\uFE0F述'
    await page.locator('#wz-statement').fill(seen)
    await page.locator('.counter', { hasText: '已输入 6 / 1000 字' }).waitFor()
    // 1000 flags are 1000 characters (2000 code points): not over, and saved
    const flags = '\u{1F1E8}\u{1F1F3}'.repeat(1000)
    const saved = page.waitForResponse((r) => r.request().method() === 'PUT' &&
      new URL(r.url()).pathname.endsWith(`/applications/${appId}/info`) && r.request().postDataJSON().statement === flags)
    await page.locator('#wz-statement').fill(flags)
    await page.locator('.counter', { hasText: '已输入 1000 / 1000 字' }).waitFor()
    assert.equal(await page.locator('.counter.over').count(), 0)
    assert.equal((await expectOk(await saved)).application.statement, flags)
    await page.locator('#wz-statement').fill(flags + '\u{1F1E8}\u{1F1F3}')
    await page.locator('.counter.over', { hasText: '已输入 1001 / 1000 字' }).waitFor()
    await shot(page, '15a-step3-counter')
  })

  step('step 3: 申报信息 with the live counter', async () => {
    const { page } = desk
    const text =
      '本人自2013年参加工作以来，一直从事房屋建筑工程施工技术与管理工作，先后担任施工员、技术负责人。' +
      '主持完成金华市婺城区安置房工程等项目的施工组织设计和专项方案编制，解决了深基坑支护和大体积混凝土温控等技术难题，' +
      '项目获金华市优质结构工程奖。任现职以来坚持继续教育，按时完成学时要求，年度考核均为合格以上。𠮷'
    await page.locator('#wz-statement').fill(text)
    const n = [...text].length
    await page.locator('.counter', { hasText: `已输入 ${n} / 1000 字` }).waitFor()
    assert.notEqual(n, text.length, 'counted as characters, not UTF-16 units')
    await page.locator('#wz-category').getByText('施工与监理类').click()
    // a method the rules refuse is said here once saved, not first at step 7 (the first-day walk):
    // 转（兼）评 wants a 中级 title, and this person is a 助理工程师
    await pick(page, '#wz-method', '“转（兼）评”申报')
    await page.locator('.method-problem', { hasText: '“转（兼）评”须已取得中级专业技术职务任职资格（个人基本信息中现有职称为“助理工程师”）' }).waitFor()
    await pick(page, '#wz-method', '正常申报')
    await page.locator('.method-help', { hasText: '网络评审计划申报时选择“正常申报”' }).waitFor()
    await page.locator('#wz-specialty').fill('建筑工程施工')
    await pick(page, '#wz-accept', /./)
    await page.locator('.save-state', { hasText: /已保存/ }).waitFor()
    // every field reached the server
    await page.waitForFunction(() => !document.querySelector('.save-state.is-saving'))
    const got = await page.request.get(`${BASE}/api/applicant/applications/${appId}`)
    const { application: a, check } = await got.json()
    assert.equal(a.statement, text)
    assert.equal(a.category, 'construction')
    assert.equal(a.method, 'normal')
    assert.equal(a.specialty, '建筑工程施工')
    assert.ok(a.accept_org_id, 'a 受理单位 is chosen')
    assert.deepEqual(check.filter((c) => c.step === 3), [], 'nothing left to fix in step 3')
    assert.equal(await page.locator('.method-problem').count(), 0)
    await shot(page, '15-step3-info')
    await page.locator('.wizard-next').click()
    await wizardStep(page, 4)
  })

  step('step 4: tick the approved item', async () => {
    const { page } = desk
    const item = page.locator(`.pick-item[data-item="${itemId}"]`)
    await item.waitFor()
    // one waiting for the unit is not to be chosen yet; approved meanwhile, 刷新 makes it one
    // (it stayed unselectable until a reload: the applicant walk)
    const waiting = await sql(`INSERT INTO archive_item (owner_id, kind, title, reviewer_org_id)
        SELECT owner_id, 'paper', '待审核的论文', reviewer_org_id FROM archive_item WHERE id = ${itemId} RETURNING id`)
    await page.reload()
    const later = page.locator(`.pick-item[data-item="${waiting}"]`)
    await later.waitFor()
    assert.ok(await later.locator('.pick-check input').isDisabled())
    await sql(`UPDATE archive_item SET status = 'approved', reviewed_at = now() WHERE id = ${waiting}`)
    await page.locator('.pick-reload').click()
    await page.locator('.pick-refresh').waitFor({ state: 'detached' })
    assert.ok(await later.locator('.pick-check input').isEnabled())
    await sql(`DELETE FROM archive_item WHERE id = ${waiting}`)
    await page.reload()
    await item.waitFor()
    const [put] = await Promise.all([
      answer(page, 'PUT', new RegExp(`/applications/${appId}/archive$`)),
      item.locator('.pick-check').click(),
    ])
    const body = await expectOk(put)
    assert.deepEqual(body.application.archive.map((x) => x.item_id), [itemId])
    await item.locator('.el-checkbox.is-checked').waitFor()
    await page.waitForTimeout(300) // the tick's CSS transition
    await shot(page, '16-step4-archive')
    await page.locator('.wizard-next').click()
    await wizardStep(page, 5)
  })

  async function uploadRequired(page, n) {
    const app = await (await page.request.get(`${BASE}/api/applicant/applications/${appId}`)).json()
    const rules = app.file_rules.filter((r) => Number(r.step) === n && r.visible && r.required)
    assert.ok(rules.length > 0, `step ${n} has required attachments`)
    for (const r of rules) {
      const block = page.locator(`.file-block[data-kind="${r.kind}"]`)
      await block.getByText('必须上传').waitFor()
      // the slot's button says which slot it is to a screen reader
      await block.getByRole('button', { name: new RegExp(`^选择文件上传\\s*：${r.label}$`) }).first().waitFor()
      const file = join(tmp, `${r.label}.pdf`)
      await writeFile(file, tinyPdf(r.kind))
      const put = answer(page, 'PUT', new RegExp(`/applications/${appId}/files$`))
      const [up] = await Promise.all([answer(page, 'POST', /\/uploads$/), block.locator('input[type=file]').setInputFiles(file)])
      await expectOk(up, 201)
      const body = await expectOk(await put)
      assert.equal(body.application.files[r.kind].length, 1, `${r.kind} saved`)
      await block.locator('.file-name', { hasText: `${r.label}.pdf` }).waitFor()
    }
    // the server's check has nothing left for this step
    const after = await (await page.request.get(`${BASE}/api/applicant/applications/${appId}`)).json()
    assert.deepEqual(after.check.filter((c) => Number(c.step) === n), [])
  }

  step('step 5: 佐证材料 (reached from the check list of step 7)', async () => {
    const { page } = desk
    // jump ahead: 预览 lists what is missing, each with a way to the step that fixes it
    // a step says its state to a screen reader, as its ✓ / ✕ does to the eye
    assert.equal(await page.locator('.wizard-steps .wizard-step-1').getAttribute('aria-label'), '第 1 步：证件照（已完成）')
    await page.locator('.wizard-steps .wizard-step-7').click()
    await wizardStep(page, 7)
    await page.locator('.check-bad').waitFor()
    const fix = page.locator('.check-item', { hasText: '请上传' }).first()
    await fix.waitFor()
    assert.equal(await page.locator('.wizard-submit').isDisabled(), true, '提交 stays disabled')
    await shot(page, '17a-step7-check-list')
    await fix.locator('.check-fix', { hasText: '去第 5 步修改' }).click()
    await wizardStep(page, 5)
    // on without them: what step 5 still lacks is said (it went by silently), and on it goes
    await page.locator('.wizard-next').click()
    await page.locator('.wizard-open-items', { hasText: /尚有 \d+ 项未完成（请上传/ }).waitFor()
    await wizardStep(page, 6)
    await page.locator('.wizard-prev').click()
    await wizardStep(page, 5)
    await uploadRequired(page, 5)
    await shot(page, '17-step5-evidence')
    await page.locator('.wizard-next').click()
    await wizardStep(page, 6)
  })

  step('step 6: 附件', async () => {
    const { page } = desk
    await uploadRequired(page, 6)
    await shot(page, '18-step6-attachments')
    await page.locator('.wizard-next').click()
    await wizardStep(page, 7)
  })

  step('step 7: the check is empty, 提交 hands it to the unit', async () => {
    const { page } = desk
    await page.locator('.check-ok').waitFor()
    assert.equal(await page.locator('.check-item').count(), 0)
    await page.locator('.pv-statement').waitFor()
    await shot(page, '19-step7-preview')
    await page.locator('.wizard-submit').click()
    const confirm = page.locator('.el-message-box', { hasText: '确认提交' })
    await confirm.waitFor()
    const [sub] = await Promise.all([
      answer(page, 'POST', new RegExp(`/applications/${appId}/submit$`)),
      confirm.getByRole('button', { name: '确认提交' }).click(),
    ])
    await expectOk(sub)
    await confirm.waitFor({ state: 'hidden' })
    await page.waitForURL(new RegExp(`#/applications/${appId}$`))
    const current = page.locator('.pg-step-current')
    await current.waitFor()
    assert.match(await current.innerText(), /单位资格审查/)
    assert.match(await current.innerText(), new RegExp(UNIT.name))
    await page.locator('.pg-history').waitFor()
    await shot(page, '20-progress')
  })

  step('我的申报 lists it under review; 消息 opens', async () => {
    const { page } = desk
    await menu(page, '我的申报')
    const row = page.locator('.applications-table tbody tr', { hasText: String(appId) }).first()
    await row.waitFor()
    assert.equal(await row.locator('.open-wizard').count(), 0, 'a submitted application is no longer editable')
    await shot(page, '21-applications')
    const [msgs] = await Promise.all([answer(page, 'GET', /\/messages$/), menu(page, '消息')])
    const { items } = await expectOk(msgs)
    const unread = items.filter((m) => !m.read)
    assert.ok(unread.length > 0, 'the approval and the submission were announced')
    await page.locator('.message.unread').first().waitFor()
    const first = page.locator(`.message[data-id="${unread[0].id}"]`)
    const [read] = await Promise.all([answer(page, 'POST', /\/messages\/\d+\/read$/), first.locator('.message-head').click()])
    await expectOk(read)
    await first.locator('.message-body').waitFor()
    assert.equal(await page.locator('.message.unread').count(), unread.length - 1, 'opened one is read')
    // an unread one is shown whole; an opened one says where to act on it
    for (const m of unread.slice(1)) assert.equal(await page.locator(`.message[data-id="${m.id}"] .message-body`).innerText(), m.body)
    if (/申报|缴|业绩档案|单位/.test(unread[0].body)) await first.locator('.message-go').waitFor()
    await shot(page, '22-messages')
  })

  step('the unit returns it; the applicant sees why, on a phone too, and resubmits', async () => {
    // (ending its sentence, as a clerk writes it: the confirmation had 。。)
    const reason = '业绩材料中竣工验收报告不清晰，请重新上传扫描件。'
    const unit = await newPage()
    try {
      await unit.page.goto(`${BASE}/unit/`, { waitUntil: 'domcontentloaded' })
      await unit.page.locator('#login-username').fill(UNIT.username)
      await unit.page.locator('#login-password').fill(UNIT.password)
      await unit.page.locator('.login-submit').click()
      await unit.page.locator('.welcome').waitFor()
      await menu(unit.page, '职称申报资格审查')
      await unit.page.locator('.worklist-table').waitFor()
      // the unit's list may hold many applications: the server's search narrows it to this person
      await unit.page.locator('#worklist-search').fill(person.name)
      const [found] = await Promise.all([
        unit.page.waitForResponse((r) => new URL(r.url()).pathname.endsWith('/worklist') && new URL(r.url()).searchParams.get('q') === person.name),
        unit.page.locator('#worklist-search').press('Enter'),
      ])
      assert.ok((await expectOk(found)).items.some((i) => i.id === appId), 'found by the search')
      // (by the application: another of the fixtures' 625 names may be the same)
      const row = unit.page.locator('.worklist-table .el-table__body-wrapper tbody tr',
        { has: unit.page.locator(`a.open-detail[href="#/applications/${appId}"]`) })
      await row.locator('.act-return').click()
      const dlg = unit.page.locator('.el-dialog', { hasText: '退回理由' })
      await dlg.locator('#move-text').fill(reason)
      const [moved] = await Promise.all([answer(unit.page, 'POST', /\/move$/), dlg.locator('.move-confirm').click()])
      await expectOk(moved)
    } finally {
      await unit.context.close()
    }

    const { page } = desk
    await page.goto(`${BASE}/applicant/#/applications/${appId}`, { waitUntil: 'domcontentloaded' })
    await page.locator('.pg-returned', { hasText: reason }).waitFor()
    await page.locator('.pg-history', { hasText: reason }).waitFor()
    await shot(page, '23-progress-returned')

    // the same on a phone: the progress page and the wizard with the reason on top
    const phone = await newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true })
    try {
      await phone.page.goto(`${BASE}/applicant/#/applications/${appId}`, { waitUntil: 'domcontentloaded' })
      await phone.page.locator('#login-username').fill(person.idcard)
      await phone.page.locator('#login-password').fill(person.password)
      await phone.page.locator('.login-submit').click()
      await phone.page.locator('.pg-returned').waitFor()
      await shot(phone.page, '24-phone-progress')
      await phone.page.locator('.pg-resubmit').click()
      await phone.page.locator('.wizard-steps-mobile').waitFor()
      await phone.page.locator('.return-reason', { hasText: reason }).waitFor()
      await shot(phone.page, '25-phone-wizard')
      const bodyWidth = await phone.page.evaluate(() => document.documentElement.scrollWidth)
      assert.ok(bodyWidth <= 390, `no sideways scrolling on a phone (${bodyWidth}px)`)
    } finally {
      await phone.context.close()
    }

    await page.locator('.pg-resubmit').click()
    await page.locator('.return-reason', { hasText: reason }).waitFor()
    await wizardStep(page, 7)
    await page.locator('.check-ok').waitFor()
    await page.locator('.wizard-submit').click()
    const confirm = page.locator('.el-message-box', { hasText: '确认提交' })
    // the reason once more, before it goes back
    await confirm.getByText(`本申报曾被退回，退回理由：${reason}请确认已按退回理由修改完毕。`).waitFor()
    const [sub] = await Promise.all([
      answer(page, 'POST', new RegExp(`/applications/${appId}/submit$`)),
      confirm.getByRole('button', { name: '确认提交' }).click(),
    ])
    await expectOk(sub)
    await confirm.waitFor({ state: 'hidden' })
    await page.locator('.pg-step-current', { hasText: '单位资格审查' }).waitFor()
    assert.equal(await page.locator('.pg-returned').count(), 0)
    await shot(page, '26-progress-resubmitted')
  })

  step('at the fee step the applicant pays 260 元 through the simulated gateway (模拟支付) by clicking', async () => {
    // the unit's publicity and report are tested elsewhere: the application is put at the fee step
    await sql(`UPDATE application SET state = 'in_review', step_seq = 4,
        current_org_id = (SELECT id FROM org WHERE name = ${lit('婺城区住房和城乡建设局')}) WHERE id = ${appId}`)
    const { page } = desk
    // 我的申报 says it is due, and 去缴费 opens the application (the first-day walk found it hidden there)
    await page.goto(`${BASE}/applicant/#/applications`, { waitUntil: 'domcontentloaded' })
    await page.reload({ waitUntil: 'domcontentloaded' })
    const row = page.locator('.applications-table .el-table__body-wrapper tbody tr', { hasText: String(appId) })
    await row.locator('.fee-due-line', { hasText: '待缴推荐评审费 260 元' }).waitFor()
    await row.locator('.open-pay').click()
    await page.waitForURL(new RegExp(`#/applications/${appId}$`))
    await page.locator('.pg-simulated', { hasText: '模拟支付' }).waitFor()
    await page.locator('.pg-pay', { hasText: '260' }).waitFor()
    await shot(page, '27-fee-due')
    await page.locator('.pg-pay').click()
    // the order travels in the fragment, which no server sees (or logs)
    await page.waitForURL(/\/paysim\/#order=[0-9a-f]{24}&/)
    secrets.push(new URLSearchParams(new URL(page.url()).hash.slice(1)).get('order'))
    await page.locator('.pay-banner', { hasText: '模拟支付' }).waitFor()
    await page.locator('.pay-amount', { hasText: '260.00' }).waitFor()
    await shot(page, '28-paysim')
    const [cb] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/applicant/paycallback'),
      page.locator('.pay-confirm').click(),
    ])
    assert.deepEqual(await expectOk(cb), { application_id: appId, status: 'paid' })
    await page.waitForURL((u) => u.pathname === '/applicant/' && u.hash === `#/applications/${appId}?paid=1`)
    await page.locator('.pg-paid', { hasText: '已缴费 260 元' }).waitFor()
    assert.equal(await page.locator('.pg-pay').count(), 0, 'nothing is due any more')
    await shot(page, '29-paid')
  })
})

test('no Content Security Policy violations in the flow', () => {
  assert.deepEqual(cspErrors, [])
})

// Issue 11, finding 5: the one-time signing token and the payment order travel in fragments and
// bodies, so nginx's access log (flushed every second) has the pages but neither secret.
test('the access log has the signing page and the gateway, but not the token or the order number', async () => {
  assert.equal(secrets.length, 2, 'the flow got as far as the payment')
  await new Promise((r) => setTimeout(r, 1500))
  const log = await readFile(join(VAR, 'log', 'nginx-access.log'), 'utf8')
  assert.match(log, /"POST \/api\/applicant\/sign HTTP/)
  assert.match(log, /"GET \/paysim\/ HTTP/)
  for (const secret of secrets) assert.ok(secret && !log.includes(secret), `${secret} is in the access log`)
})
