// Element Plus shows a form item's error beside its field and marks a required one with a red
// star, but tells assistive technology neither: the field itself gets aria-required, and while
// its item shows an error, aria-invalid and aria-describedby naming that error (the keyboard
// walk). One observer for the whole page; nothing for a page to do.
let ids = 0
const OURS = 'data-a11y-error'

function sync(item) {
  const field = item.querySelector('input:not([type=hidden]):not([type=radio]):not([type=checkbox]), textarea')
  if (!field) return
  if (item.classList.contains('is-required')) field.setAttribute('aria-required', 'true')
  const error = [...item.querySelectorAll('.el-form-item__error')].find((e) => e.closest('.el-form-item') === item)
  if (item.classList.contains('is-error') && error) {
    if (!error.id) error.id = `form-error-${++ids}`
    // what the field was described by before, kept to be given back
    if (!field.hasAttribute(OURS)) field.setAttribute(OURS, field.getAttribute('aria-describedby') || '')
    const before = field.getAttribute(OURS)
    field.setAttribute('aria-invalid', 'true')
    field.setAttribute('aria-describedby', before ? `${error.id} ${before}` : error.id)
  } else if (field.hasAttribute(OURS)) {
    const before = field.getAttribute(OURS)
    field.removeAttribute('aria-invalid')
    if (before) field.setAttribute('aria-describedby', before)
    else field.removeAttribute('aria-describedby')
    field.removeAttribute(OURS)
  }
}

export function watchFormFields(root = document.body) {
  const seen = (node) => {
    if (!(node instanceof Element)) return
    const item = node.closest('.el-form-item')
    if (item) sync(item)
    node.querySelectorAll('.el-form-item').forEach(sync)
  }
  new MutationObserver((records) => {
    for (const r of records) {
      if (r.type === 'attributes') {
        if (r.target instanceof Element && r.target.classList.contains('el-form-item')) sync(r.target)
      } else {
        r.addedNodes.forEach(seen)
        if (r.removedNodes.length) seen(r.target)
      }
    }
  }).observe(root, { subtree: true, childList: true, attributes: true, attributeFilter: ['class'] })
}
