// The demo's PDF files (`make run`: the attachments of scripts/demo.mjs, the units' 授权委托书
// of scripts/setup.mjs) as documents a reviewer can read in the portal's inline viewer: one
// A4 page with its title and a few lines in Chinese, printed to PDF by Chromium from HTML with
// the CJK font `make deps` installs (fonts-wqy-microhei), embedded as a subset. (A PDF written
// by hand with Helvetica cannot show Chinese: the viewer showed an empty page.) Each distinct
// document is printed once; the tests' own uploads stay tinyPdf() (applicant-fixtures.mjs).
//
//   const pdfs = demoPdfs()
//   const bytes = await pdfs.make('专业技术工作经历表', ['申报材料（演示）'])
//   await pdfs.close()
import { chromium } from 'playwright-core';

import { CHROMIUM, CHROMIUM_ARGS } from '../tests/integration/applicant-fixtures.mjs';

const esc = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/* The page: the title, then each line, under a note that it is demo data. */
function html(title, lines) {
	return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${esc(title)}</title><style>
@page { size: A4; margin: 30mm 25mm; }
body { font-family: "WenQuanYi Micro Hei", "Noto Sans CJK SC", sans-serif; color: #222; }
h1 { font-size: 22pt; font-weight: normal; text-align: center; margin: 20mm 0 12mm; letter-spacing: 1pt; }
p { font-size: 13pt; line-height: 2; margin: 0; }
.note { margin-top: 24mm; padding-top: 4mm; border-top: 0.5pt solid #999; font-size: 10pt; color: #666; }
</style></head><body><h1>${esc(title)}</h1>${lines.map((l) => `<p>${esc(l)}</p>`).join('')}
<p class="note">本文件为职称申报评审管理服务平台演示数据，由演示脚本生成，不是真实材料。</p></body></html>`;
}

/* A printer of demo PDFs: make(title, lines) → the PDF's bytes (a Buffer); close() when done.
 * Chromium starts at the first document (a demo with nothing to add starts none). */
export function demoPdfs() {
	let browser = null, page = null;
	const made = new Map();
	return {
		async make(title, lines = []) {
			const key = JSON.stringify([title, lines]);
			if (made.has(key))
				return made.get(key);
			if (!page) {
				try {
					browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
				} catch (e) {
					throw new Error(`the demo's PDFs are printed by Chromium (${CHROMIUM}, from make deps): ${e.message}`);
				}
				page = await browser.newPage();
			}
			await page.setContent(html(title, lines), { waitUntil: 'load' });
			made.set(key, await page.pdf({ format: 'A4', printBackground: true }));
			return made.get(key);
		},
		close: async () => {
			if (browser)
				await browser.close();
		},
	};
}
