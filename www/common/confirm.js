// 不通过 ends an application at its step and texts the applicant: asked by name before it is
// done, from the detail page and from a worklist row alike (a row's 不通过 went at one Ctrl+Enter,
// the clerk's-day probe). Focus starts on 取消: a second Enter does not do what cannot be undone.
import { ElMessageBox } from 'element-plus'

// Focuses the 取消 of the message box of class cls once it is shown.
function focusCancel(cls, tries = 20) {
  const b = document.querySelector(`${cls} .el-message-box__btns .el-button:not(.el-button--primary)`)
  if (b) b.focus()
  else if (tries > 0) setTimeout(() => focusCancel(cls, tries - 1), 25)
}

// Resolves true when confirmed. word: the step's name for 不通过 (审查不通过, 评定不通过…).
export async function confirmReject(name, stepName, word) {
  focusCancel('.decide-reject-confirm')
  try {
    await ElMessageBox.confirm(`${name}的申报将终止于“${stepName}”，并以所填理由短信通知申报人，提交后不能撤销。确认${word}？`,
      `确认${word}`, {
        confirmButtonText: `确认${word}`,
        cancelButtonText: '取消',
        type: 'warning',
        customClass: 'decide-reject-confirm',
        confirmButtonClass: 'el-button--danger',
        autofocus: false,
      })
    return true
  } catch {
    return false
  }
}
