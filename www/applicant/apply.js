// "马上申报": POST applications {plan_id}, then the wizard. Outside the plan's window the server
// answers 409 with the dates; when an application for the plan exists (409 too) the applicant
// is offered to open it.
import { ElMessageBox } from 'element-plus'
import { api, seg } from '../common/api.js'
import { showError } from '../common/ui.js'

// A plan not for the applicant's unit (GET plans' apply, 马上申报's own rules): its reason, or ''.
// A profile still to complete is not one: 马上申报 says what it lacks.
export function notForUnit(plan) {
  const a = plan && plan.apply
  return a && !a.ok && a.field === 'plan_id' ? a.why : ''
}

async function existingFor(e, planId) {
  const fromBody = e.data && (e.data.existing_id || (e.data.error && e.data.error.existing_id))
  if (fromBody) return fromBody
  try {
    const data = await api.get('applications')
    const mine = (data.items || []).find((a) => String(a.plan_id) === String(planId) && a.state !== 'rejected')
    return mine ? mine.id : null
  } catch {
    return null
  }
}

export async function startApplication(router, planId) {
  try {
    const data = await api.post('applications', { plan_id: Number(planId) })
    const app = data.application || {}
    router.push(`/applications/${seg(app.id)}/wizard`)
    return true
  } catch (e) {
    if (e.status === 401) return false
    if (e.status === 409) {
      const id = await existingFor(e, planId)
      if (id) {
        try {
          await ElMessageBox.confirm(e.message, '已有申报', {
            type: 'info',
            confirmButtonText: '打开该申报',
            cancelButtonText: '关闭',
          })
          router.push(`/applications/${seg(id)}`)
        } catch {
          // closed
        }
        return false
      }
      await ElMessageBox.alert(e.message, '当前不能申报', { type: 'warning', confirmButtonText: '知道了' }).catch(() => {})
      return false
    }
    if (e.field === 'profile') {
      try {
        await ElMessageBox.confirm(e.message, '请先完善个人基本信息', {
          type: 'warning',
          confirmButtonText: '去完善',
          cancelButtonText: '关闭',
        })
        router.push('/profile')
      } catch {
        // closed
      }
      return false
    }
    showError(e)
    return false
  }
}
