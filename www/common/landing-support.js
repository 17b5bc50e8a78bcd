// The home page's and the 操作手册's 技术支持联系方式: each [data-support] element's text becomes
// the contact the operator set (support.js). Without it, or without script, the page keeps its
// own words.
import { fetchSupport, supportText } from './support.js'

const els = document.querySelectorAll('[data-support]')
if (els.length) {
  fetchSupport('applicant').then((c) => {
    const text = supportText(c)
    if (text) els.forEach((el) => { el.textContent = `请咨询管理服务系统技术支持联系人：${text}。` })
  })
}
