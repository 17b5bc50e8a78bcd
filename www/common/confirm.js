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

// What a 不通过 does, in words. mode 'assess': a 评定不通过 hands the application on and the
// applicant reads the reason when the 初定 result is published (sql/086); 'published': it publishes
// a 评定's reason at 公布初定结果; '': it ends the application here (a 评定's step too, before the
// fee is paid: no 评定 then).
function rejectWords(name, stepName, word, mode) {
  if (mode === 'published')
    return `${name}的初定结果将公布为未通过，申报终止于“${stepName}”，并以评定不通过理由短信通知申报人，提交后不能撤销。确认${word}？`
  if (mode === 'assess')
    return `${name}的申报评定不通过，将转入下一环节，公布初定结果时以所填理由通知申报人，提交后不能撤销。确认${word}？`
  return `${name}的申报将终止于“${stepName}”，并以所填理由短信通知申报人，提交后不能撤销。确认${word}？`
}

// Resolves true when confirmed. word: the step's name for 不通过 (审查不通过, 评定不通过…);
// mode: rejectWords()'s.
export async function confirmReject(name, stepName, word, mode = '') {
  focusCancel('.decide-reject-confirm')
  try {
    await ElMessageBox.confirm(rejectWords(name, stepName, word, mode),
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

// A 通过 of an application the system finds n conditions of the notice unmet in (its 资格条件
// list): asked first, naming how many (a deadline-day walk passed one with 11 unmet at a click).
// Focus on 取消, as above. Resolves true when confirmed.
export async function confirmUnmet(name, n, word) {
  focusCancel('.decide-unmet-confirm')
  try {
    await ElMessageBox.confirm(`系统核对${name}的申报，有 ${n} 项申报条件未满足（见“资格条件”）。确认${word}？`,
      `${n} 项申报条件未满足`, {
        confirmButtonText: `仍然${word}`,
        cancelButtonText: '取消',
        type: 'warning',
        customClass: 'decide-unmet-confirm',
        autofocus: false,
      })
    return true
  } catch {
    return false
  }
}
