// Fixtures of the applicant-portal suites (issue 3): fresh applicants with a
// chosen gender, complete profiles, organisations of one's own, uploads, a
// PNG signature, headless Chromium for JPEG photos, and cleanup.
// Not a test file itself (no .test. in the name).
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { deflateSync } from 'node:zlib';

import {
	DEMO_PASSWORD, HONGDA, ROOT, Session, idcardCheck, lit, loginAs, mobile, retire, sql, sqlInt, tag,
} from './lib.mjs';
import { usccCheckChar as usccCheck } from '../../www/common/validators.js';

export const OUT = path.join(ROOT, 'tests/out');
export const SJY = '金华市建筑设计研究院有限公司';
export const CENTRE = '金华市人才交流中心';
export const MID_PLAN = '2023年度金华市建设工程技术人员工程师职务任职资格评审工作计划';
export const JUNIOR_PLAN = '2023年度金华市建设工程技术人员助理工程师职务任职资格评审工作计划';

// ------------------------------------------------------------------ people

const GIVEN = '建国伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚';

/* A random Chinese name (surname + two characters), to find again in texts. */
export function personName() {
	return '欧阳' + GIVEN[randomInt(GIVEN.length)] + GIVEN[randomInt(GIVEN.length)];
}

/* A valid 身份证号 of a Jinhua district whose 17th digit is odd (男) or even (女). */
export function idcardOf(male, birth = null) {
	const region = ['330702', '330703', '330723', '330726', '330727', '330781', '330782', '330783', '330784'][randomInt(9)];
	const d = birth || new Date(Date.UTC(1975, 0, 1) + randomInt(0, 20 * 365) * 86400000);
	const ymd = d.toISOString().slice(0, 10).replaceAll('-', '');
	const seq = String(randomInt(100)).padStart(2, '0') + String(2 * randomInt(5) + (male ? 1 : 0));
	const first17 = `${region}${ymd}${seq}`;
	return first17 + idcardCheck(first17);
}

/* Users created by this test process; afterCleanup() tidies what they left. */
export const createdUsers = [];

/*
 * Registers a new applicant through the API and logs in.
 * → { s (Session), idcard, name, password, mobile, id (user id) }
 */
export async function newApplicant({ male = true, name = personName(), birth = null } = {}) {
	let who, r;
	// a fixed birth date leaves a few thousand numbers: one already taken by an earlier run is redrawn
	for (let i = 0; i < 5; i++) {
		who = { idcard: idcardOf(male, birth), name, mobile: mobile(), password: `Pw-${tag()}A1` };
		r = await new Session('applicant').post('/register', who);
		if (r.status !== 409)
			break;
	}
	assert.equal(r.status, 201, `register: ${r.text}`);
	const s = await loginAs('applicant', who.idcard, who.password);
	const id = await sqlInt(`SELECT id FROM app_user WHERE username = ${lit(who.idcard)}`);
	createdUsers.push(id);
	return { ...who, s, id };
}

// ------------------------------------------------------------------ organisations

export async function orgId(name) {
	return sqlInt(`SELECT id FROM org WHERE name = ${lit(name)}`);
}

export async function userId(username) {
	return sqlInt(`SELECT id FROM app_user WHERE username = ${lit(username)}`);
}

export async function planId(name) {
	return sqlInt(`SELECT id FROM plan WHERE name = ${lit(name)}`);
}

/* Inserts an organisation of kind unit (portal unit) with a unique name; returns { id, name }. */
export async function newOrg({ status = 'approved', ownership = 'private', affiliation = null,
    kind = 'unit', region = '330702', prefix = '测试单位' } = {}) {
	const name = `${prefix}${tag()}有限公司`;
	const id = await sqlInt(`INSERT INTO org (kind, name, region_id, portal, ownership, affiliation, status)
	    VALUES (${lit(kind)}, ${lit(name)}, (SELECT id FROM region WHERE code = ${lit(region)}), 'unit',
	    ${ownership ? lit(ownership) : 'NULL'}, ${affiliation ? lit(affiliation) : 'NULL'}, ${lit(status)})
	    RETURNING id`);
	return { id, name };
}

/* A unit account of an organisation (the demo password); returns a logged-in Session. */
export async function newOrgUser(org) {
	const username = `itest_${tag()}`;
	const id = await sqlInt(`INSERT INTO app_user (role, username, name, org_id, password_hash)
	    SELECT 'unit', ${lit(username)}, '测试经办人', ${org}, password_hash FROM app_user
	    WHERE username = 'unit_hongda' RETURNING id`);
	const s = await loginAs('unit', username, DEMO_PASSWORD);
	s.userId = id;
	return s;
}

// ------------------------------------------------------------------ dates (the database's day, Asia/Shanghai)

/* to_char(<SQL date expression>, 'YYYY-MM-DD'), e.g. sqlDate("current_date + 1"). */
export async function sqlDate(expr) {
	return sql(`SELECT to_char((${expr})::date, 'YYYY-MM-DD')`);
}

// ------------------------------------------------------------------ profile

/* A complete profile at 金华宏达 (private company), title 助理工程师 obtained and appointed
 * 5 years ago. */
export async function completeProfile(extra = {}) {
	const fiveYears = await sqlDate("current_date - interval '5 years'");
	return {
		ethnicity: '汉族', education: '大学本科', degree: '学士', school: '浙江工业大学',
		major: '土木工程', graduation_date: '2006-06-30', work_start_date: '2006-07-15',
		title: '助理工程师', title_date: fiveYears, appointed_date: fiveYears,
		specialty: '建筑工程施工', custody: 'unit', unit_id: await orgId(HONGDA), staffing: 'none',
		out_of_province_ss: false, ...extra,
	};
}

/* PUTs the profile; asserts 200. */
export async function putProfile(s, body) {
	const r = await s.request('PUT', '/profile', { json: body });
	assert.equal(r.status, 200, `PUT profile: ${r.text}`);
	return r.json;
}

// ------------------------------------------------------------------ files

/* A small, well-formed one-page PDF (its xref offsets are right). */
export function tinyPdf(text = 'itest') {
	const objs = [
		'<< /Type /Catalog /Pages 2 0 R >>',
		'<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
		'<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
	];
	const stream = `BT /F1 12 Tf 20 50 Td (${text.replace(/[()\\]/g, '')}) Tj ET`;
	objs.push(`<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`);
	objs.push('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>');
	let out = '%PDF-1.4\n';
	const offs = [];
	objs.forEach((o, i) => {
		offs.push(out.length);
		out += `${i + 1} 0 obj\n${o}\nendobj\n`;
	});
	const xref = out.length;
	out += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n`;
	for (const o of offs)
		out += `${String(o).padStart(10, '0')} 00000 n \n`;
	out += `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
	return Buffer.from(out, 'latin1');
}

/* POSTs a multipart body with one part "file" to path; returns the response. */
export function postFile(s, p, bytes, filename, type) {
	const form = new FormData();
	form.append('file', new Blob([bytes], { type }), filename);
	return s.request('POST', p, { body: form, headers: { 'Content-Type': null } });
}

/* Uploads a tiny PDF; asserts 201; returns its id. */
export async function uploadPdf(s, name = `材料-${tag()}.pdf`) {
	const r = await postFile(s, '/uploads', tinyPdf(name), name, 'application/pdf');
	assert.equal(r.status, 201, `upload: ${r.text}`);
	return r.json.id;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
	let c = n;
	for (let k = 0; k < 8; k++)
		c = c & 1 ? 0xEDB88320 ^ (c >>> 1) : c >>> 1;
	return c >>> 0;
});

function crc32(buf) {
	let c = 0xFFFFFFFF;
	for (const b of buf)
		c = CRC_TABLE[(c ^ b) & 0xFF] ^ (c >>> 8);
	return (c ^ 0xFFFFFFFF) >>> 0;
}

function chunk(type, data) {
	const len = Buffer.alloc(4);
	len.writeUInt32BE(data.length);
	const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(td));
	return Buffer.concat([len, td, crc]);
}

/* A real PNG (greyscale, a dark stroke on white), as a data: URL, like a drawn signature. */
export function signaturePng(w = 240, h = 80, ink = true) {
	const rows = [];
	for (let y = 0; y < h; y++) {
		const row = Buffer.alloc(w + 1, 255);
		row[0] = 0;
		for (let x = 0; x < w; x++)
			if (ink && Math.abs(y - h / 2 - Math.round(20 * Math.sin(x / 15))) < 2)
				row[x + 1] = 20;
		rows.push(row);
	}
	const ihdr = Buffer.alloc(13);
	ihdr.writeUInt32BE(w, 0);
	ihdr.writeUInt32BE(h, 4);
	ihdr[8] = 8;	// bit depth
	ihdr[9] = 0;	// greyscale
	const png = Buffer.concat([
		Buffer.from([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]),
		chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0)),
	]);
	return `data:image/png;base64,${png.toString('base64')}`;
}

// ------------------------------------------------------------------ archive

export const itemBody = (extra = {}) => ({
	kind: 'project', title: `金华某住宅小区施工项目-${tag()}`, date: '2021-05-01', role: '项目技术负责人',
	org: HONGDA, number: 'XM-2021-01', level: '市级', description: '负责施工组织设计与技术交底',
	collective: false, attachments: [], ...extra,
});

/* Adds an archive item and has the reviewing unit approve it; returns the item. */
export async function approvedItem(s, reviewer, extra = {}) {
	const r = await s.post('/archive', itemBody(extra));
	assert.equal(r.status, 201, `POST archive: ${r.text}`);
	const ok = await reviewer.post(`/archive/${r.json.item.id}/review`, { action: 'approve' });
	assert.equal(ok.status, 200, `approve: ${ok.text}`);
	return r.json.item;
}

// ------------------------------------------------------------------ applications

/* Creates an application of the seeded mid plan; asserts 201; returns the reply. */
export async function newApplication(s, plan) {
	const r = await s.post('/applications', { plan_id: plan ?? await planId(MID_PLAN) });
	assert.equal(r.status, 201, `POST applications: ${r.text}`);
	return r.json;
}

/* The check entries with this field. */
export const checkFor = (reply, field) => reply.check.filter((c) => c.field === field);

// ------------------------------------------------------------------ Chromium

// Debian's old headless shell of the same Chromium (Blink, V8, the same version) where it is
// installed (make deps): no browser UI or GPU process behind the page, half the CPU of
// /usr/bin/chromium --headless for the browser suite; $CHROMIUM chooses another.
export const CHROMIUM = process.env.CHROMIUM
    || ['/usr/bin/chromium-headless-shell', '/usr/bin/chromium'].find((b) => existsSync(b)) || '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
	'--disable-background-networking', '--disable-component-update', '--disable-sync'];

export async function launchChromium() {
	const { chromium } = await import('playwright-core');
	return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/*
 * Draws a w×h JPEG in the page's canvas and returns its bytes.
 * fill: 'noise' (random pixels everywhere) or 'flat' (one light grey);
 * border: null, or a CSS colour for a frame of `frame` (fraction of the
 * smaller side) around noise in the middle.
 */
export async function jpeg(page, { w, h, fill = 'noise', border = null, frame = 0.12, q = 0.92 }) {
	const url = await page.evaluate(({ w, h, fill, border, frame, q }) => {
		const c = document.createElement('canvas');
		c.width = w;
		c.height = h;
		const g = c.getContext('2d');
		if (fill === 'flat') {
			g.fillStyle = '#e8e8e8';
			g.fillRect(0, 0, w, h);
		} else {
			const img = g.createImageData(w, h);
			for (let i = 0; i < img.data.length; i += 4) {
				img.data[i] = Math.random() * 256;
				img.data[i + 1] = Math.random() * 256;
				img.data[i + 2] = Math.random() * 256;
				img.data[i + 3] = 255;
			}
			g.putImageData(img, 0, 0);
		}
		if (border) {
			const f = Math.ceil(Math.min(w, h) * frame);
			g.fillStyle = border;
			g.fillRect(0, 0, w, f);
			g.fillRect(0, h - f, w, f);
			g.fillRect(0, 0, f, h);
			g.fillRect(w - f, 0, f, h);
		}
		return c.toDataURL('image/jpeg', q);
	}, { w, h, fill, border, frame, q });
	assert.match(url, /^data:image\/jpeg;base64,/);
	return Buffer.from(url.slice(url.indexOf(',') + 1), 'base64');
}

/*
 * A head-and-shoulders ID photo as a camera makes it, drawn in the page's
 * canvas: a background (bg) with a slight fall-off and sensor noise, hair,
 * face, ears, neck, and a dark suit whose shoulders fill the bottom edge and
 * reach the lower sides. w×h is the photo as seen. turn: 0, or 90 to store it
 * as a phone does with EXIF orientation 6: the canvas is h×w and holds the
 * photo turned 90° counter-clockwise (exifOrientation() then marks it).
 */
export async function portraitJpeg(page, { w, h, bg = '#fafafa', turn = 0, q = 0.95 }) {
	const url = await page.evaluate(({ w, h, bg, turn, q }) => {
		const c = document.createElement('canvas');
		c.width = turn ? h : w;
		c.height = turn ? w : h;
		const g = c.getContext('2d');
		if (turn) {
			g.translate(0, w);
			g.rotate(-Math.PI / 2);
		}
		const grad = g.createLinearGradient(0, 0, 0, h);
		grad.addColorStop(0, bg);
		grad.addColorStop(1, bg);
		g.fillStyle = grad;
		g.fillRect(0, 0, w, h);
		g.fillStyle = 'rgba(0, 0, 0, 0.04)';	/* light falls off towards the bottom */
		g.fillRect(0, h * 0.5, w, h * 0.5);
		const ellipse = (cx, cy, rx, ry, colour) => {
			g.fillStyle = colour;
			g.beginPath();
			g.ellipse(cx * w, cy * h, rx * w, ry * h, 0, 0, 2 * Math.PI);
			g.fill();
		};
		ellipse(0.5, 1.08, 0.62, 0.36, '#262c3e');	/* shoulders */
		g.fillStyle = '#f4f4f6';
		g.fillRect(0.44 * w, 0.70 * h, 0.12 * w, 0.10 * h);	/* collar */
		g.fillStyle = '#e0b496';
		g.fillRect(0.41 * w, 0.55 * h, 0.18 * w, 0.16 * h);	/* neck */
		ellipse(0.5, 0.33, 0.21, 0.14, '#1c1614');	/* hair */
		ellipse(0.31, 0.44, 0.03, 0.04, '#e0b496');
		ellipse(0.69, 0.44, 0.03, 0.04, '#e0b496');
		ellipse(0.5, 0.44, 0.19, 0.16, '#e0b496');	/* face */
		ellipse(0.43, 0.41, 0.025, 0.012, '#1c1614');
		ellipse(0.57, 0.41, 0.025, 0.012, '#1c1614');
		const img = g.getImageData(0, 0, c.width, c.height);
		for (let i = 0; i < img.data.length; i += 4)
			for (let k = 0; k < 3; k++)
				img.data[i + k] = Math.max(0, Math.min(255, img.data[i + k] + Math.round((Math.random() - 0.5) * 16)));
		g.putImageData(img, 0, 0);
		return c.toDataURL('image/jpeg', q);
	}, { w, h, bg, turn, q });
	assert.match(url, /^data:image\/jpeg;base64,/);
	return Buffer.from(url.slice(url.indexOf(',') + 1), 'base64');
}

/* The JPEG with an APP1 Exif segment right after SOI whose IFD0 holds one
 * tag, Orientation = o (1-8), in big-endian (TIFF "MM") order. */
export function exifOrientation(jpg, o) {
	const tiff = Buffer.from([0x4D, 0x4D, 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, o, 0, 0, 0, 0, 0, 0]);
	const payload = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
	const len = Buffer.alloc(2);
	len.writeUInt16BE(payload.length + 2);
	return Buffer.concat([jpg.subarray(0, 2), Buffer.from([0xFF, 0xE1]), len, payload, jpg.subarray(2)]);
}

/* Width and height in a JPEG's SOF segment (as stored), and whether it has an Exif segment. */
export function jpegInfo(jpg) {
	let exif = false;
	for (let i = 2; i + 9 < jpg.length;) {
		if (jpg[i] !== 0xFF)
			break;
		const m = jpg[i + 1], len = jpg.readUInt16BE(i + 2);
		if (m === 0xE1 && jpg.subarray(i + 4, i + 10).toString('latin1') === 'Exif\0\0')
			exif = true;
		if (m >= 0xC0 && m <= 0xCF && m !== 0xC4 && m !== 0xC8 && m !== 0xCC)
			return { width: jpg.readUInt16BE(i + 7), height: jpg.readUInt16BE(i + 5), exif };
		i += 2 + len;
	}
	return null;
}

export function outDir(...sub) {
	const d = path.join(OUT, ...sub);
	mkdirSync(d, { recursive: true });
	return d;
}

// ------------------------------------------------------------------ cleanup

/*
 * Leaves nothing of this process's applicants in any department's lists:
 * pending archive items are rejected, live applications rejected (the
 * worklists and archive lists are ordered oldest first and limited).
 */
export async function afterCleanup() {
	if (createdUsers.length === 0)
		return;
	const users = createdUsers.join(', ');
	await sql(`UPDATE archive_item SET status = 'rejected', reason = 'itest cleanup'
	    WHERE owner_id IN (${users}) AND status = 'pending'`);
	await retire(`applicant_id IN (${users})`);
}

/* A valid 统一社会信用代码 of a private company in 婺城区, new each time: seven
 * random characters of the code's alphabet (the first seven of tag() were
 * the clock's, the same for two calls within 36 ms). */
export function newUscc() {
	const alphabet = '0123456789ABCDEFGHJKLMNPQRTUWXY';
	let s = '';
	for (let i = 0; i < 7; i++)
		s += alphabet[randomInt(alphabet.length)];
	const body = `91330702MA${s}`;
	return body + usccCheck(body);
}
