// 重置密码 and 停用/启用 of a clerk's account, asked first and shown once: the unit's 经办人账号
// and the operator's 部门与账号 do the same with their own paths.
//   paths.reset(row) → POST path answering {password}; paths.toggle(row, disable) → POST path
//   reload() after a change
import { reactive, ref } from 'vue'
import { ElMessageBox } from 'element-plus'
import { api } from './api.js'
import { showError, showSuccess } from './ui.js'

export function useAccountActions(paths, reload) {
  const busy = ref('')
  // the password made by the server, shown once (PasswordOnce)
  const once = reactive({ visible: false, password: '', username: '', title: '', label: '' })

  function show(password, username, title, label) {
    Object.assign(once, { visible: true, password, username, title, label })
  }

  async function ask(message, title, confirmButtonText) {
    try {
      await ElMessageBox.confirm(message, title, { confirmButtonText, cancelButtonText: '取消', type: 'warning' })
      return true
    } catch {
      return false
    }
  }

  async function reset(row) {
    if (!(await ask(`为 ${row.name}（${row.username}）生成新密码？原密码立即失效，该账号的登录会话将结束。`, '重置密码', '重置'))) return
    busy.value = `reset-${row.id}`
    try {
      const data = await api.post(paths.reset(row))
      show(data.password, row.username, '新密码', '新密码')
      await reload()
    } catch (e) {
      if (e.status !== 401) showError(e)
    } finally {
      busy.value = ''
    }
  }

  async function toggle(row) {
    const disable = !row.disabled
    if (disable && !(await ask(`停用 ${row.name}（${row.username}）的账号？停用后无法登录，当前登录会话将结束；可随时重新启用。`, '停用账号', '停用'))) return
    busy.value = `toggle-${row.id}`
    try {
      await api.post(paths.toggle(row, disable))
      showSuccess(`${disable ? '已停用' : '已启用'}：${row.username}`)
      await reload()
    } catch (e) {
      if (e.status !== 401) showError(e)
      if (e.status === 409 || e.status === 404) await reload()
    } finally {
      busy.value = ''
    }
  }

  return { busy, once, show, reset, toggle }
}
