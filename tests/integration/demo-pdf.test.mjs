// The demo's PDF files show their Chinese text (scripts/demo-pdf.mjs): a PDF written with
// Helvetica cannot, and the reviewer's inline viewer showed an empty page. The 授权委托书
// that scripts/setup.mjs uploaded for this stack's units, and a demo attachment as
// scripts/demo.mjs prints it, are read back the way a viewer reads them: the embedded
// font (pdffonts), the text it draws (pdftotext) and the page drawn (pdftoppm).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';

import { sql } from './lib.mjs';
import { demoPdfs } from '../../scripts/demo-pdf.mjs';

const dir = mkdtempSync(path.join(tmpdir(), 'demo-pdf-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/* What a viewer makes of a PDF: its fonts, its text (white space removed), and the share
 * of dark pixels on its first page drawn at 40 dpi. */
function read(bytes, name) {
	const file = path.join(dir, `${name}.pdf`);
	writeFileSync(file, bytes);
	const fonts = execFileSync('pdffonts', [file], { encoding: 'utf8' });
	const text = execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' }).replace(/\s+/g, '');
	const base = path.join(dir, name);
	execFileSync('pdftoppm', ['-r', '40', '-gray', '-f', '1', '-l', '1', '-singlefile', file, base]);
	const pgm = readFileSync(`${base}.pgm`);
	const m = /^P5\s+(\d+)\s+(\d+)\s+255\s/.exec(pgm.subarray(0, 40).toString('latin1'));
	assert.ok(m, 'not a PGM');
	const pixels = pgm.subarray(m[0].length);
	let dark = 0;
	for (const p of pixels)
		if (p < 128)
			dark++;
	const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
	return { fonts, text, dark: dark / pixels.length, info };
}

/* A CJK font embedded (a subset of the one make deps installs), drawing Unicode text. */
function assertCjk(fonts) {
	const rows = fonts.split('\n').slice(2).filter(Boolean);
	assert.ok(rows.length > 0, fonts);
	assert.ok(rows.every((r) => / yes +yes +yes +\d+/.test(r)), `every font embedded, a subset, with a Unicode map:\n${fonts}`);
	assert.match(fonts, /WenQuanYi|NotoSansCJK/, fonts);
}

describe('the demo\'s PDFs show their Chinese text', () => {
	test('the 授权委托书 a unit registered with (scripts/setup.mjs) reads as written', async () => {
		const b64 = await sql(`SELECT encode(data, 'base64') FROM upload
		    WHERE filename = '金华宏达建设工程有限公司授权委托书.pdf' ORDER BY id LIMIT 1`);
		assert.ok(b64, 'the seed registered 金华宏达 with its 授权委托书');
		const pdf = read(Buffer.from(b64.replace(/\s+/g, ''), 'base64'), 'authorization');
		assertCjk(pdf.fonts);
		for (const s of ['授权委托书', '委托单位：金华宏达建设工程有限公司', '受托人（经办人）：王丽华'])
			assert.ok(pdf.text.includes(s), `"${s}" in ${pdf.text}`);
		assert.match(pdf.info, /Page size:\s+595\.\d+ x 84[12]\.\d+ pts \(A4\)/);
		assert.ok(pdf.dark > 0.002, `the page is not blank (${pdf.dark})`);
	});

	test('an attachment as scripts/demo.mjs prints it; the same document is printed once', async () => {
		const pdfs = demoPdfs();
		try {
			const lines = ['职称申报材料（演示材料，内容从略）'];
			const bytes = await pdfs.make('专业技术工作经历表', lines);
			assert.equal(await pdfs.make('专业技术工作经历表', lines), bytes);
			assert.ok(bytes.length < 60000, `small (${bytes.length} bytes)`);
			const pdf = read(bytes, 'attachment');
			assertCjk(pdf.fonts);
			assert.ok(pdf.text.startsWith('专业技术工作经历表职称申报材料（演示材料，内容从略）'), pdf.text);
			assert.ok(pdf.dark > 0.002, `the page is not blank (${pdf.dark})`);
		} finally {
			await pdfs.close();
		}
	});
});
