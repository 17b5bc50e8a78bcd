// The review fee of an application as a reviewer reads it (the detail's application.fee, or GET
// applications/:id/fee): 已缴费 260 元，2026-03-02 10:15，订单号 …, or what is due.
export function feeText(fee) {
  if (!fee) return '—'
  // (beyond the fee: to refund, or refunded; amount is what counts towards it)
  const beyond = (fee.surplus ? `；另多缴 ${fee.surplus} 元，待主管部门退还` : '') + (fee.refunded ? `；多缴的 ${fee.refunded} 元已退还` : '')
  if (fee.paid_at) return `已缴费 ${fee.amount} 元，${fee.paid_at}${fee.order_no ? `，订单号 ${fee.order_no}` : ''}${beyond}`
  if (!fee.required) return '无需缴费'
  const items = (fee.items || []).map((i) => `${i.name} ${i.amount} 元`).join('、')
  // the department's last day (收费设定), and whether it is past
  const by = fee.pay_by ? (fee.late ? `，缴费截止日期 ${fee.pay_by} 已过` : `，缴费截止日期 ${fee.pay_by}`) : ''
  if (fee.paid_part) return `未缴清，应缴 ${fee.amount} 元，已缴 ${fee.paid_part} 元（订单号 ${fee.order_no}），尚需补缴 ${fee.amount - fee.paid_part} 元${by}`
  return `未缴费，应缴 ${fee.amount} 元${items ? `（${items}）` : ''}${fee.due ? '' : '，到达缴费环节后由申报人缴纳'}${by}`
}
