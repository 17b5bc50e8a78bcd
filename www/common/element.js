// The Element Plus set-up every portal shares: the zh-CN locale, the loading directive and the
// styles of what code (not templates) calls: ElMessage and ElMessageBox. The components in
// templates are imported by each page that uses them, with their styles (unplugin-vue-components
// with its Element Plus resolver, www/vite.config.mjs), so a portal's first load carries only what
// its login page and layout use, and a page's chunk what that page uses.
import { ElLoading, provideGlobalConfig } from 'element-plus'
import zhCn from 'element-plus/es/locale/lang/zh-cn'

import 'element-plus/es/components/loading/style/css'
import 'element-plus/es/components/message/style/css'
import 'element-plus/es/components/message-box/style/css'

export function installElement(app) {
  app.use(ElLoading)
  provideGlobalConfig({ locale: zhCn }, app, true)
}
