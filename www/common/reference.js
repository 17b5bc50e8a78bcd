// The labels every page shows, kept once on the server (GET reference: SQL reference data and
// lib/application.c) and loaded once per portal after login, instead of copies in each page:
// states (名称 and tag colour), actions (通过 / 退回修改 / 不通过 and the label of their text),
// the chains and their steps, 申报类型 / 申报方式, kinds of attachment, checklists, regions and
// the 评审工作计划 the worklist filters by.
import { reactive } from 'vue'
import { api } from './api.js'
import { portalRole } from './session.js'

export const reference = reactive({
  loaded: false,
  states: [],
  actions: [],
  pipelines: [],
  methods: [],
  categories: [],
  staffings: [],
  file_kinds: [],
  archive_kinds: [],
  checklists: {},
  regions: [],
  plans: [],
})

let pending = null

// Loads the reference data once; later calls share the first answer. A failure is not kept, so
// the next page asks again (pages then show the names the server put in their own answers).
export function loadReference() {
  if (reference.loaded) return Promise.resolve(reference)
  if (!pending) {
    pending = api
      .get('reference')
      .then((data) => {
        for (const key of Object.keys(reference)) {
          if (key !== 'loaded' && data[key] != null) reference[key] = data[key]
        }
        reference.loaded = true
        return reference
      })
      .finally(() => {
        pending = null
      })
  }
  return pending
}

// The level of the signed-in department: 'county' when its region is one of the counties, else
// 'city' (市本级 and the city's own departments).
export function orgLevel(org) {
  return (reference.regions || []).some((r) => r.name === (org && org.region) && r.name !== '市本级') ? 'county' : 'city'
}

// Whether org holds step s: a unit every unit step, a department those of its kind at its level;
// a city department also the county's steps of its kind for 市本级, which has no departments of its
// own (step_owners_of(), sql/033).
function holds(org, s, unit) {
  if (unit) return s.level === 'unit'
  const level = orgLevel(org)
  return s.kind === org.kind && (s.level === level || (level === 'city' && s.level === 'county'))
}

export { holds as holdsStep }

// The chains in which org holds a step (unit: org is a unit or 人才交流中心).
export function heldChains(org, unit = false) {
  return (reference.pipelines || []).filter((p) => (p.steps || []).some((s) => holds(org, s, unit)))
}

// The names of the steps with this gate the signed-in department holds (e.g. its 公示: 公布评审结果,
// 公布初定结果), [] until the reference is there.
export function heldGateSteps(session, gate) {
  if (!session.org || !reference.loaded) return []
  return (reference.pipelines || []).flatMap((p) =>
    (p.steps || []).filter((s) => holds(session.org, s, false) && (s.gates || []).includes(gate)).map((s) => s.name))
}

// Whether the signed-in department holds a step with one of these gates in some chain (the 收费设定,
// 公示, 面试 and 制发文件 pages are for those that do): yes until the reference is there.
export function holdsGate(session, ...gates) {
  if (!session.org || !reference.loaded) return true
  return (reference.pipelines || []).some((p) =>
    (p.steps || []).some((s) => holds(session.org, s, false) && (s.gates || []).some((g) => gates.includes(g))),
  )
}

const TAG_TYPES = new Set(['primary', 'success', 'info', 'warning', 'danger'])

// Where an applicant is sent: the department and, when it gave one, its 咨询电话 (sql/080).
export function contactText(holder, phone, fallback = '主管部门') {
  return `${holder || fallback}${phone ? `（咨询电话 ${phone}）` : ''}`
}

// {label, type} of a state code for an el-tag; `name` is the server's own name when a list
// row carries one (state_name), used while the reference is not there.
export function stateTag(code, name = '') {
  const s = reference.states.find((x) => x.code === code)
  return {
    label: (s && s.name) || name || code || '—',
    type: s && TAG_TYPES.has(s.tag) ? s.tag : 'info',
  }
}

function action(code) {
  return reference.actions.find((x) => x.code === code) || null
}

// 通过 / 退回修改 / 不通过 (the button and the history)
export function actionName(code, fallback = '') {
  const a = action(code)
  return (a && a.name) || fallback || code || ''
}

// the label of the text a move carries: 审核意见 / 退回理由（需完善的内容） / 不通过理由
export function actionTextLabel(code) {
  const a = action(code)
  return (a && a.text_label) || ''
}

// The decision buttons as the notice names them (管理部门网上审核操作办法): the unit's
// 通过 / 退回 / 不通过, with 审核通过意见 and 理由; the departments' (主管部门, 人力社保部门, 评委会)
// 审查通过 / 退回修改 / 审查不通过, with 审查意见 and 需完善的内容. [button, what is written, done]
// A step that 评定s (初定's 市住建局资格审核并评定, 市人力社保局评定: the notice's ③ and ④) decides
// by 评定通过 / 评定不通过, when the words are asked for with its name.
const BUTTONS = {
  unit: { pass: ['通过', '审核通过意见', '已通过'], return: ['退回', '退回理由', '已退回'], reject: ['不通过', '不通过理由', '已作不通过处理'] },
  dept: { pass: ['审查通过', '审查意见', '已审查通过'], return: ['退回修改', '需完善的内容', '已退回修改'], reject: ['审查不通过', '不通过理由', '已审查不通过'] },
  assess: { pass: ['评定通过', '评定意见', '已评定通过'], return: ['退回修改', '需完善的内容', '已退回修改'], reject: ['评定不通过', '不通过理由', '已评定不通过'] },
}
// a step that reports a result on (…结果报市人力社保局) hands it on: 已报送, as every history says it
BUTTONS.report = { ...BUTTONS.dept, pass: ['审查通过（报送）', '审查意见', '已报送'] }
// the unit's 单位公示并推荐上报 (the notice's 资格公示并报送): its 通过 is the 推荐上报
BUTTONS.unitReport = { ...BUTTONS.unit, pass: ['推荐上报', '审核通过意见', '已推荐上报'] }
const button = (code, step = '') =>
  (BUTTONS[portalRole() === 'unit' ? (/推荐上报/.test(step || '') ? 'unitReport' : 'unit') : /评定$/.test(step || '') ? 'assess'
    : /结果报/.test(step || '') ? 'report' : 'dept'][code] || null)
export function buttonName(code, step) {
  const b = button(code, step)
  return b ? b[0] : actionName(code)
}
export function buttonTextLabel(code, step) {
  const b = button(code, step)
  return b ? b[1] : actionTextLabel(code)
}
// what a decision made here did: 已通过 (the unit), 已审查通过 (a department)
export function buttonDoneWord(code, step) {
  const b = button(code, step)
  return b ? b[2] : actionDone(code)
}
// the line a decision made here is told with: 已审查通过：孙建平
export function buttonDone(code, who, step) {
  return `${buttonDoneWord(code, step)}：${who}`
}

// what a decided row shows: 通过 / 退回修改 / 不通过
export function actionDone(code) {
  const a = action(code)
  return (a && (a.done || a.name)) || code || ''
}

export function fileKindName(code) {
  const k = reference.file_kinds.find((x) => x.code === code)
  // (the reference data not loaded, a network blip: never the code on screen)
  return (k && k.name) || '附件'
}

// a checklist item's name, whoever's list it is in (unit or department)
export function checkName(code) {
  for (const list of Object.values(reference.checklists || {})) {
    const c = (list || []).find((x) => x.code === code)
    if (c) return c.name
  }
  return '审查要点'
}
