import { Bell, Calendar, Document, Files, HomeFilled, Setting, User } from '@element-plus/icons-vue'
import { createPortal } from '../common/app.js'
import Register from './Register.vue'

createPortal({
  role: 'applicant',
  title: '申报人员',
  menu: [
    { label: '首页', path: '/', icon: HomeFilled },
    { label: '个人基本信息', icon: User, soon: true },
    { label: '我的业绩档案', icon: Files, soon: true },
    { label: '评审工作计划', icon: Calendar, soon: true },
    { label: '我的申报', icon: Document, soon: true },
    { label: '消息', icon: Bell, soon: true },
    { label: '账号设置', path: '/account', icon: Setting },
  ],
  routes: [{ path: '/register', name: 'register', component: Register, meta: { public: true, title: '注册' } }],
})
