// Browser-side checks mirroring the server's (lib/valid.c). Each returns '' when the value
// is acceptable, otherwise the Chinese message to show. The server checks again.

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
const ID_CHECK = '10X98765432'

// GB 11643 check character for the first 17 digits.
export function idcardCheckChar(first17) {
  let sum = 0
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * ID_WEIGHTS[i]
  return ID_CHECK[sum % 11]
}

function validDate8(s) {
  const y = Number(s.slice(0, 4))
  const m = Number(s.slice(4, 6))
  const d = Number(s.slice(6, 8))
  if (y < 1900 || y > new Date().getFullYear() || m < 1 || m > 12 || d < 1) return false
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0
  const mdays = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
  return d <= mdays[m - 1]
}

export function checkIdcard(value) {
  const s = String(value || '').trim().toUpperCase()
  if (!s) return '请输入身份证号'
  if (!/^\d{17}[\dX]$/.test(s)) return '身份证号应为18位，前17位为数字，最后一位为数字或X'
  if (s[0] < '1' || s[0] > '8') return '身份证号的地区码不正确'
  if (!validDate8(s.slice(6, 14))) return '身份证号中的出生日期不正确'
  if (idcardCheckChar(s) !== s[17]) return '身份证号校验位不正确，请核对'
  return ''
}

// GB 32100 统一社会信用代码: 18 characters of 0-9 and A-Z without I O Z S V; the last is the
// check character of the first 17.
const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY'
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

export function usccCheckChar(first17) {
  let sum = 0
  for (let i = 0; i < 17; i++) sum += USCC_CHARS.indexOf(first17[i]) * USCC_WEIGHTS[i]
  return USCC_CHARS[(31 - (sum % 31)) % 31]
}

export function checkUscc(value) {
  const s = String(value || '').trim().toUpperCase()
  if (!s) return '请输入统一社会信用代码'
  if (s.length !== 18) return '统一社会信用代码应为18位'
  for (const ch of s) {
    if (!USCC_CHARS.includes(ch)) return '统一社会信用代码只能包含数字和大写字母（不含 I、O、Z、S、V）'
  }
  if (usccCheckChar(s) !== s[17]) return '统一社会信用代码校验位不正确，请核对'
  return ''
}

// A login name of a unit's or department's clerk: 3–32 lower-case letters, digits and _, starting
// with a letter.
export function checkUsername(value) {
  const s = String(value || '')
  if (!s) return '请输入登录用户名'
  if (!/^[a-z][a-z0-9_]{2,31}$/.test(s)) return '用户名为3至32位小写字母、数字或下划线，以字母开头'
  return ''
}

// 2–100 characters (a unit's name, a department's full name, a 主管部门).
export function checkText(label, min, max) {
  return (value) => {
    const n = Array.from(String(value || '').trim()).length
    if (!n) return `请输入${label}`
    if (n < min || n > max) return `${label}应为${min}–${max}个字`
    return ''
  }
}

export function checkMobile(value) {
  const s = String(value || '').trim()
  if (!s) return '请输入手机号'
  if (!/^1[3-9]\d{9}$/.test(s)) return '请输入正确的11位手机号'
  return ''
}

// the 间隔号 as typed by other input methods (the server stores each as ·)
const DOTS = [0xb7, 0x2022, 0x2027, 0x30fb, 0xff65, 0x2219, 0x22c5, 0x0387]

// a telephone text as lib/valid.c's valid_phone_text takes it: 0579-82468888、12345; '' is left to
// the caller (required or not)
export function checkPhoneText(label, value) {
  const v = (value || '').trim()
  return !v || (/^[0-9\-() ,/（）、，转]+$/.test(v) && (v.match(/\d/g) || []).length >= 5) ? ''
    : `${label}应为电话号码，如 0579-82468888，多个号码用“、”分隔`
}

// 2–30 characters: Chinese characters (every block of them, as lib/valid.c), Latin letters,
// the middle dot, inner spaces.
export function checkName(value) {
  const s = String(value || '')
  if (!s.trim()) return '请输入姓名'
  if (s !== s.trim()) return '姓名首尾不能有空格'
  const chars = Array.from(s)
  if (chars.length < 2 || chars.length > 30) return '姓名应为2至30个字'
  for (const ch of chars) {
    const cp = ch.codePointAt(0)
    const ok =
      (cp >= 0x4e00 && cp <= 0x9fff) ||
      (cp >= 0x3400 && cp <= 0x4dbf) ||
      (cp >= 0x20000 && cp <= 0x2ee5f) ||
      (cp >= 0x30000 && cp <= 0x323af) ||
      cp === 0x3007 ||
      (cp >= 0x41 && cp <= 0x5a) ||
      (cp >= 0x61 && cp <= 0x7a) ||
      DOTS.includes(cp) ||
      cp === 0x20
    if (!ok) return '姓名只能包含汉字、英文字母、间隔号“·”和空格'
  }
  return ''
}

export const PASSWORD_POLICY = '8–128个字符，至少包含大写字母、小写字母、数字、符号中的三类'

export function checkPassword(value) {
  const s = String(value || '')
  if (!s) return '请输入密码'
  const n = Array.from(s).length
  if (n < 8 || n > 128) return '密码长度应为8–128个字符'
  let upper = 0
  let lower = 0
  let digit = 0
  let sym = 0
  for (const ch of s) {
    const c = ch.codePointAt(0)
    if (c < 0x20 || c === 0x7f) return '密码不能包含控制字符'
    if (c >= 0x41 && c <= 0x5a) upper = 1
    else if (c >= 0x61 && c <= 0x7a) lower = 1
    else if (c >= 0x30 && c <= 0x39) digit = 1
    else sym = 1
  }
  if (upper + lower + digit + sym < 3) return '密码至少包含大写字母、小写字母、数字、符号中的三类'
  return ''
}

// Adapts a check function to an Element Plus form rule.
// Every field checked this way is required (the form shows its asterisk).
export function rule(check, trigger = 'blur') {
  return {
    required: true,
    trigger,
    validator: (_rule, value, callback) => {
      const msg = check(value)
      if (msg) callback(new Error(msg))
      else callback()
    },
  }
}
