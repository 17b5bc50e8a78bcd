// The labels of a self-registered organisation's fields (docs/api.md "Units register
// themselves"), one copy for the unit's registration pages and the operator's 单位注册审核.
export const KINDS = [
  { value: 'unit', label: '用人单位' },
  { value: 'talent_centre', label: '人才交流中心' },
]

export const OWNERSHIPS = [
  { value: 'state', label: '国有企业' },
  { value: 'private', label: '非公企业' },
  { value: 'institution', label: '事业单位' },
  { value: 'agency', label: '机关' },
  { value: 'other', label: '其他' },
]

// 事业单位 only; it chooses the chain (局属 → 初定, 市本级直属 → 初级评审, 参公 → none, else 中级评审)
export const AFFILIATIONS = [
  { value: 'bureau', label: '市住建局局属事业单位' },
  { value: 'city_direct', label: '市本级直属事业单位' },
  { value: 'none', label: '其他事业单位' },
  // 不含参照公务员管理的事业单位: the notice's chains leave these out
  { value: 'civil_service', label: '参照公务员管理的事业单位' },
]

export const REG_STATUS = {
  pending: { label: '待审核', type: 'warning' },
  approved: { label: '已通过', type: 'success' },
  rejected: { label: '未通过', type: 'danger' },
}

const find = (list, v) => list.find((x) => x.value === v)

export const kindName = (v) => (find(KINDS, v) || {}).label || v || '—'
export const ownershipName = (v) => (find(OWNERSHIPS, v) || {}).label || v || '—'
export const affiliationName = (v) => (v ? (find(AFFILIATIONS, v) || {}).label || v : '—')
export const regStatus = (v) => REG_STATUS[v] || { label: v || '—', type: 'info' }
