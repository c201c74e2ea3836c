import { ApiError } from './api';
import { h } from './dom';
import { texts } from './i18n';

const m = texts({
  '400': '填写的内容有误，请检查后重试。',
  '401': '登录已失效，请重新登录。',
  '403': '您的角色无权进行此操作。',
  '404': '未找到该记录，或您无权查看。',
  '409': '操作与当前状态冲突（例如记录已存在或已被他人修改）。',
  '410': '该录像已按审批处置，不再可用。',
  '413': '文件过大，超出平台限制。',
  '422': '请求无法执行，请检查填写的内容。',
  '429': '尝试次数过多，请稍后再试。',
  '503': '平台暂时不可用，请稍后重试。',
  '507': '存储空间不足，请联系管理员。',
  other: '操作失败，请稍后重试。',
  offline: '无法连接平台，请检查网络；正在重试。',
  details: '详细信息',
}, {
  '400': 'Something in the form is not valid; check it and try again.',
  '401': 'Your session has ended; sign in again.',
  '403': 'Your role may not do this.',
  '404': 'Not found, or you may not see it.',
  '409': 'This conflicts with the current state (it exists already, or someone changed it).',
  '410': 'This recording was disposed of under an approved request.',
  '413': 'The file is larger than the platform accepts.',
  '422': 'The request cannot be carried out; check what you entered.',
  '429': 'Too many attempts; try again later.',
  '503': 'The platform is unavailable for a moment; try again shortly.',
  '507': 'Storage is full; contact the administrator.',
  other: 'That did not work; try again later.',
  offline: 'The platform cannot be reached; check the network. Retrying.',
  details: 'Details',
});

type Status = 400 | 401 | 403 | 404 | 409 | 410 | 413 | 422 | 429 | 503 | 507;
const KNOWN = new Set<number>([400, 401, 403, 404, 409, 410, 413, 422, 429, 503, 507]);

/** A failed fetch (no answer at all), as opposed to a refusal. */
export const isOffline = (error: unknown) => error instanceof TypeError;

/**
 * What to tell the user about a failed call: a short sentence in their language (a page may give its own
 * for a status it expects, e.g. 409 "案件编号已存在"), and the API's own words as the detail on demand.
 */
export function explain(error: unknown, own: Partial<Record<number, string>> = {}): { message: string; detail: string | null } {
  if (error instanceof ApiError) {
    const message = own[error.status] ?? (KNOWN.has(error.status) ? m(String(error.status) as `${Status}`) : m('other'));
    return { message, detail: `${error.status} ${error.title}${error.detail ? `: ${error.detail}` : ''}` };
  }
  if (isOffline(error)) return { message: m('offline'), detail: null };
  return { message: m('other'), detail: error instanceof Error ? error.message : String(error) };
}

/** The message as page content: the sentence, and the detail folded away. */
export function problemNote(error: unknown, own: Partial<Record<number, string>> = {}): HTMLElement {
  const { message, detail } = explain(error, own);
  return h('p', { role: 'alert', class: 'problem' }, message, detail && h('details', {}, h('summary', {}, m('details')), h('code', {}, detail)));
}
