// 批量通过 of more applications than one request takes: POST applications/batch passes at most
// 100 (lib/review.c BATCH_MAX), so they go in parts of 100. Each refusal is that application's own;
// a part that fails as a whole (the network, the service) is a refusal of each of its own.
import { api } from './api.js'

const PART = 100

// rows: [{id, step, applicant}] → [{id, applicant, ok, message}], in the rows' order. An error of
// the first part that is about the request (the opinion: e.field 'text', or the session) is thrown,
// before anything moved.
export async function passInParts(rows, text) {
  const outcome = new Map()
  for (let i = 0; i < rows.length; i += PART) {
    const part = rows.slice(i, i + PART)
    try {
      const data = await api.post('applications/batch', { action: 'pass', text, items: part.map((r) => ({ id: r.id, step: r.step })) })
      for (const x of data.results || []) outcome.set(x.id, { ok: !!x.ok, message: x.message || '' })
    } catch (e) {
      if (i === 0 && (e.field === 'text' || e.status === 401)) throw e
      for (const r of part) outcome.set(r.id, { ok: false, message: `未提交：${e.message}` })
    }
  }
  return rows.map((r) => ({ id: r.id, applicant: r.applicant, ...(outcome.get(r.id) || { ok: false, message: '未能办理' }) }))
}
