// Checks the built pages in www/dist without a server: every role page exists, loads its
// code only from same-origin files (no inline <script>, no inline event handlers, nothing
// from another host), so it runs under the portal's strict Content-Security-Policy.
// Run `npm run build` first.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const DIST = fileURLToPath(new URL('../../www/dist/', import.meta.url))
// the six portals, and the demo's simulated payment gateway (served only in the demo)
const ROLES = ['applicant', 'unit', 'county', 'city', 'hrb', 'admin', 'paysim']
const built = existsSync(`${DIST}assets`)

for (const role of ROLES) {
  test(`dist/${role}/index.html is CSP-clean`, { skip: !built && 'www/dist not built (npm run build)' }, () => {
    const html = readFileSync(`${DIST}${role}/index.html`, 'utf8')
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)]
    assert.ok(scripts.length > 0, 'loads a script')
    for (const [, attrs, body] of scripts) {
      assert.match(attrs, /\btype="module"/)
      assert.match(attrs, /\bsrc="\/assets\/[^"]+\.js"/, 'script comes from /assets/')
      assert.equal(body.trim(), '', 'no inline script')
    }
    assert.doesNotMatch(html, /\son[a-z]+\s*=/i, 'no inline event handlers')
    assert.doesNotMatch(html, /(src|href)="(https?:)?\/\//i, 'nothing from another host')
    for (const [, ref] of html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)) {
      assert.ok(existsSync(`${DIST}${ref.slice(1)}`), `${ref} exists`)
    }
  })
}

// The home page's and the 操作手册's one script: it fills in the 技术支持联系方式
// (landing-support.js), a module from /assets/ and nothing inline; the page says what it says
// without it.
function onlyLandingScript(html) {
  const scripts = [...html.matchAll(/<script\b[^>]*>/gi)].map((m) => m[0])
  assert.ok(scripts.length >= 1 && scripts.length <= 2, `one entry and its shared chunk: ${scripts}`)
  for (const s of scripts) assert.match(s, /^<script type="module" crossorigin src="\/assets\/(landing-)?support-[\w-]+\.js">$/)
  assert.doesNotMatch(html, /<script\b[^>]*>[^<]+<\/script>/i, 'no inline script')
  assert.match(html, /data-support>请咨询管理服务系统技术支持联系人/)
}

// The platform's home page (served at /): its style from /assets/, a link to every portal and to
// both registrations, and no script but the support contact's.
test('dist/index.html (the home page) links every portal, its one script the support contact', { skip: !built && 'www/dist not built' }, () => {
  const html = readFileSync(`${DIST}index.html`, 'utf8')
  onlyLandingScript(html)
  assert.doesNotMatch(html, /\son[a-z]+\s*=/i, 'no inline event handlers')
  assert.doesNotMatch(html, /(src|href)="(https?:)?\/\//i, 'nothing from another host')
  assert.match(html, /<link rel="stylesheet"[^>]* href="\/assets\/[^"]+\.css"/)
  for (const [, ref] of html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)) {
    assert.ok(existsSync(`${DIST}${ref.slice(1)}`), `${ref} exists`)
  }
  assert.match(html, /职称申报评审管理服务平台/)
  for (const role of ['applicant', 'unit', 'county', 'city', 'hrb', 'admin']) {
    assert.match(html, new RegExp(`href="/${role}/"`), `links /${role}/`)
  }
  assert.match(html, /href="\/unit\/#\/register"/, '单位注册')
  assert.match(html, /href="\/applicant\/#\/register"/, '个人注册')
  // the two 操作手册 the notice sends people to, published (no placeholder)
  assert.match(html, /href="\/manual\/#applicant"/)
  assert.match(html, /href="\/manual\/#unit"/)
  assert.doesNotMatch(html, /即将发布/)
})

// The 操作手册: a page of its own, both manuals in it, the same one script.
test('dist/manual/index.html holds both 操作手册, its one script the support contact', { skip: !built && 'www/dist not built' }, () => {
  const html = readFileSync(`${DIST}manual/index.html`, 'utf8')
  onlyLandingScript(html)
  assert.doesNotMatch(html, /(src|href)="(https?:)?\/\//i, 'nothing from another host')
  for (const [, ref] of html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)) {
    assert.ok(existsSync(`${DIST}${ref.slice(1)}`), `${ref} exists`)
  }
  assert.match(html, /<article id="applicant"[^>]*>\s*<h2[^>]*>《个人用户操作手册》<\/h2>/)
  assert.match(html, /<article id="unit"[^>]*>\s*<h2[^>]*>《用人单位操作手册》<\/h2>/)
})

test('bundles use no eval and no external URLs for code or fonts', { skip: !built && 'www/dist not built' }, () => {
  for (const f of readdirSync(`${DIST}assets`)) {
    const text = readFileSync(`${DIST}assets/${f}`, 'utf8')
    if (f.endsWith('.js')) {
      assert.doesNotMatch(text, /\beval\(/, `${f}: no eval`)
      assert.doesNotMatch(text, /new Function\(/, `${f}: no new Function`)
      assert.doesNotMatch(text, /import\(["']https?:/, `${f}: no remote import`)
    }
    if (f.endsWith('.css')) {
      assert.doesNotMatch(text, /@import\s/, `${f}: no @import`)
      assert.doesNotMatch(text, /url\(\s*["']?(https?:)?\/\//, `${f}: no remote url()`)
    }
  }
})

// ECharts is for the statistics page (统计分析) alone: it sits in a chunk that no portal's page
// loads or preloads, reached only by the dynamic import of that page's route.
test('the chart library loads only with the statistics page', { skip: !built && 'www/dist not built' }, () => {
  const files = readdirSync(`${DIST}assets`)
  const charts = files.filter((f) => f.endsWith('.js') && readFileSync(`${DIST}assets/${f}`, 'utf8').includes('_echarts_instance_'))
  assert.equal(charts.length, 1, `one chunk holds ECharts: ${charts.join(', ')}`)
  const [chunk] = charts
  assert.match(chunk, /^Dashboard-/, 'it is the statistics page\'s own chunk')
  for (const role of ROLES) {
    const html = readFileSync(`${DIST}${role}/index.html`, 'utf8')
    assert.ok(!html.includes(chunk), `${role}/index.html neither loads nor preloads ${chunk}`)
  }
  const importers = files.filter((f) => f.endsWith('.js') && f !== chunk && readFileSync(`${DIST}assets/${f}`, 'utf8').includes(chunk))
  assert.ok(importers.length > 0, 'some route imports it')
  for (const f of importers) {
    const text = readFileSync(`${DIST}assets/${f}`, 'utf8')
    assert.match(text, new RegExp(`import\\("\\./${chunk.replace(/[.]/g, '\\.')}"\\)`), `${f} imports it dynamically`)
    assert.doesNotMatch(text, new RegExp(`from\\s*"\\./${chunk.replace(/[.]/g, '\\.')}"`), `${f} does not import it statically`)
    assert.match(f, /^stats-route-/, `only the statistics route reaches it, not ${f}`)
  }
})
