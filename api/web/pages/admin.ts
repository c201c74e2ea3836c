import type { Answer } from '../../client';
import { answer, client, type Evidence, type Unit } from '../api';
import { formValues, h } from '../dom';
import { dateTime } from '../format';
import { texts, tx } from '../i18n';
import { problemNote } from '../problems';
import type { View } from '../view';

type User = Answer<'listUsers'>['items'][number];
type Token = Answer<'listTokens'>['items'][number];
type Role = User['role'];

export const adminText = texts({
  nav: '系统管理',
  sections: '系统管理分区',
  users: '用户',
  units: '单位',
  devices: '采集站与记录仪',
  tokens: 'API 令牌',
  queue: '待分配单位的录像',
  newUser: '新建用户',
  displayName: '姓名',
  username: '登录用户名',
  initialPassword: '初始密码（至少 10 个字符）',
  role: '角色',
  unit: '所属单位',
  noUnit: '（无）',
  officerNo: '警号',
  oversees: '分管单位（上级主管必选）',
  createUser: '创建用户',
  userCreated: '已创建用户 {name}，可用用户名 {username} 登录。',
  userList: '用户列表',
  state: '状态',
  actions: '操作',
  active: '正常',
  disabled: '已停用',
  lockedUntil: '已锁定，至 {time}',
  edit: '编辑',
  editUser: '编辑用户：{name}',
  save: '保存',
  cancel: '取消',
  saved: '已保存。',
  attributed: '已保存；该警号的 {count} 个无单位录像已归入此单位。',
  attributedCreated: '该警号此前的 {count} 个无单位录像已归入其单位。',
  resetPassword: '重置密码',
  newPassword: '新密码（至少 10 个字符）',
  setPassword: '设置新密码',
  passwordNote: '设置后，该用户所有已登录的会话都会结束。',
  passwordSet: '已为{name}设置新密码，其登录会话已结束。',
  unlock: '解锁',
  unlocked: '已解锁{name}。',
  disable: '停用',
  enable: '启用',
  confirmDisable: '停用{name}的账号？该用户将立即退出登录，且不能再登录。',
  disabledDone: '已停用{name}。',
  enabledDone: '已启用{name}。',
  officerTaken: '该警号或用户名已被使用。',
  usernameTaken: '该用户名或警号已被使用。',
  needsUnit: '办案人员和单位负责人必须选择所属单位；上级主管必须选择分管单位。',
  selfDisable: '不能停用自己正在使用的账号。',
  newUnit: '新建单位',
  unitCode: '单位代码',
  unitName: '单位名称',
  unitKind: '类型',
  kindAgency: '执法单位',
  kindSupervisor: '监督单位',
  parent: '上级单位',
  createUnit: '创建单位',
  unitCreated: '已创建单位 {name}。',
  unitCodeTaken: '该单位代码已存在。',
  unitList: '单位列表',
  overseers: '分管的上级主管',
  overseesHint: '上级主管分管哪些单位，在“用户”中编辑该主管。',
  stations: '采集站',
  stationCode: '编号',
  stationName: '名称',
  lastSeen: '最近在线',
  bind: '绑定',
  stationBound: '采集站 {name} 已绑定到 {unit}。',
  stationUnbound: '采集站 {name} 已解除单位绑定。',
  noStations: '还没有采集站连接过平台。',
  stationUnitOf: '{name} 的所属单位',
  recorders: '执法记录仪',
  serial: '序列号',
  carrier: '使用人',
  unitViaOfficer: '单位（随使用人）',
  lastDocked: '最近接入',
  never: '从未接入',
  bindRecorder: '绑定记录仪到使用人',
  nobody: '（不绑定）',
  recorderBound: '记录仪 {serial} 已绑定。',
  noRecorders: '还没有记录仪。',
  changeCarrier: '更换使用人',
  newToken: '新建 API 令牌',
  tokenName: '令牌名称（用途）',
  actsAs: '代表',
  systemAccount: '系统账号（不代表具体人员）',
  systemRole: '系统账号的角色',
  roleFromUser: '代表某人时，令牌的权限与该用户相同。',
  scopes: '使用范围（不选则为该角色的全部权限）',
  'scope.ingest': '采集上传',
  'scope.evidence': '录像',
  'scope.cases': '案件',
  'scope.audit': '审计',
  'scope.admin': '系统管理',
  createToken: '创建令牌',
  tokenSecret: '新令牌',
  tokenMade: '已创建令牌“{name}”：',
  system: '系统账号',
  tokenOnce: '令牌只显示这一次，请立即复制并妥善保存。',
  copy: '复制',
  copied: '已复制到剪贴板。',
  tokenList: '令牌列表',
  scopeAll: '全部',
  created: '创建时间',
  lastUsed: '最近使用',
  name: '名称',
  scopeHead: '使用范围',
  overseesList: '分管：{units}',
  bindCarrier: '绑定使用人',
  assignTo: '分配到单位',
  valid: '有效',
  revokedAt: '已吊销（{time}）',
  revoke: '吊销',
  confirmRevoke: '吊销令牌“{name}”？使用它的系统将立即无法访问平台。',
  revoked: '已吊销令牌“{name}”。',
  queueNote: '这些录像的警号未对应到任何单位的人员，任何单位都看不到。请为每个文件指定所属单位并说明理由；分配后不能更改。',
  queueEmpty: '没有待分配单位的录像。',
  file: '文件',
  recorder: '记录仪',
  recordedAt: '录制时间',
  receivedAt: '入库时间',
  reason: '分配理由',
  assign: '分配',
  assigned: '{file} 已分配给 {unit}。',
  alreadyAssigned: '该录像已经有所属单位。',
  more: '加载更多',
  unitOfFile: '{file} 的所属单位',
  reasonOfFile: '{file} 的分配理由',
}, {
  nav: 'Administration',
  sections: 'Administration sections',
  users: 'Users',
  units: 'Units',
  devices: 'Stations and recorders',
  tokens: 'API tokens',
  queue: 'Footage without a unit',
  newUser: 'New user',
  displayName: 'Name',
  username: 'User name (to sign in)',
  initialPassword: 'Initial password (10 characters or more)',
  role: 'Role',
  unit: 'Unit',
  noUnit: '(none)',
  officerNo: 'Officer number',
  oversees: 'Units supervised (overseers must pick)',
  createUser: 'Create user',
  userCreated: 'User {name} created; they sign in as {username}.',
  userList: 'Users',
  state: 'State',
  actions: 'Actions',
  active: 'Active',
  disabled: 'Disabled',
  lockedUntil: 'Locked until {time}',
  edit: 'Edit',
  editUser: 'Edit user: {name}',
  save: 'Save',
  cancel: 'Cancel',
  saved: 'Saved.',
  attributed: 'Saved; {count} recordings of this officer number without a unit now belong to the unit.',
  attributedCreated: '{count} earlier recordings of this officer number without a unit now belong to their unit.',
  resetPassword: 'Reset password',
  newPassword: 'New password (10 characters or more)',
  setPassword: 'Set new password',
  passwordNote: 'Every session of this user ends.',
  passwordSet: 'New password set for {name}; their sessions have ended.',
  unlock: 'Unlock',
  unlocked: '{name} unlocked.',
  disable: 'Disable',
  enable: 'Enable',
  confirmDisable: 'Disable the account of {name}? They are signed out at once and cannot sign in.',
  disabledDone: '{name} disabled.',
  enabledDone: '{name} enabled.',
  officerTaken: 'That officer number or user name is taken.',
  usernameTaken: 'That user name or officer number is taken.',
  needsUnit: 'Case handlers and unit heads need a unit; overseers need the units they supervise.',
  selfDisable: 'You cannot disable the account you are using.',
  newUnit: 'New unit',
  unitCode: 'Unit code',
  unitName: 'Unit name',
  unitKind: 'Kind',
  kindAgency: 'Enforcement unit',
  kindSupervisor: 'Supervising unit',
  parent: 'Parent unit',
  createUnit: 'Create unit',
  unitCreated: 'Unit {name} created.',
  unitCodeTaken: 'That unit code exists already.',
  unitList: 'Units',
  overseers: 'Overseers',
  overseesHint: 'Which units an overseer supervises is edited with that overseer under “Users”.',
  stations: 'Docking stations',
  stationCode: 'Code',
  stationName: 'Name',
  lastSeen: 'Last seen',
  bind: 'Bind',
  stationBound: 'Station {name} now belongs to {unit}.',
  stationUnbound: 'Station {name} no longer belongs to a unit.',
  noStations: 'No station has connected yet.',
  stationUnitOf: 'Unit of {name}',
  recorders: 'Body cameras',
  serial: 'Serial',
  carrier: 'Carried by',
  unitViaOfficer: 'Unit (through the officer)',
  lastDocked: 'Last docked',
  never: 'Never docked',
  bindRecorder: 'Bind a recorder to an officer',
  nobody: '(nobody)',
  recorderBound: 'Recorder {serial} bound.',
  noRecorders: 'No recorders yet.',
  changeCarrier: 'Change carrier',
  newToken: 'New API token',
  tokenName: 'Token name (purpose)',
  actsAs: 'Acts as',
  systemAccount: 'A system account (no person)',
  systemRole: 'Role of the system account',
  roleFromUser: 'A token acting as a person has that user\'s permissions.',
  scopes: 'Scopes (none: everything the role may do)',
  'scope.ingest': 'Ingest',
  'scope.evidence': 'Footage',
  'scope.cases': 'Cases',
  'scope.audit': 'Audit',
  'scope.admin': 'Administration',
  createToken: 'Create token',
  tokenSecret: 'New token',
  tokenMade: 'Token “{name}” created:',
  system: 'System account',
  tokenOnce: 'The token is shown only this once: copy it and keep it safe now.',
  copy: 'Copy',
  copied: 'Copied to the clipboard.',
  tokenList: 'Tokens',
  scopeAll: 'All',
  created: 'Created',
  lastUsed: 'Last used',
  name: 'Name',
  scopeHead: 'Scopes',
  overseesList: 'Supervises: {units}',
  bindCarrier: 'Bind to an officer',
  assignTo: 'Assign to unit',
  valid: 'Valid',
  revokedAt: 'Revoked ({time})',
  revoke: 'Revoke',
  confirmRevoke: 'Revoke the token “{name}”? Systems using it lose access at once.',
  revoked: 'Token “{name}” revoked.',
  queueNote: 'No unit can see these recordings: their officer number matches nobody in a unit. Give each file its unit with a reason; it cannot be changed afterwards.',
  queueEmpty: 'No footage is waiting for a unit.',
  file: 'File',
  recorder: 'Recorder',
  recordedAt: 'Recorded',
  receivedAt: 'Received',
  reason: 'Reason',
  assign: 'Assign',
  assigned: '{file} now belongs to {unit}.',
  alreadyAssigned: 'That recording has a unit already.',
  more: 'Load more',
  unitOfFile: 'Unit of {file}',
  reasonOfFile: 'Reason for {file}',
});
const a = adminText;

const SECTIONS = ['users', 'units', 'devices', 'tokens', 'queue'] as const;
type Section = (typeof SECTIONS)[number];
/** Roles a person can have; the station credential is a token, made under API tokens. */
const PEOPLE: Role[] = ['handler', 'unit_head', 'overseer', 'auditor', 'complainant', 'admin'];
const SCOPES = ['ingest', 'evidence', 'cases', 'audit', 'admin'] as const;

/** A person as the admin knows them: name, with 警号 where they have one. */
export const personName = (u: Pick<User, 'displayName' | 'username' | 'officerNo'>) =>
  `${u.displayName ?? u.username}${u.officerNo ? `（${a('officerNo')} ${u.officerNo}）` : ''}`;

interface Ctx {
  view: View;
  units: Unit[];
  unitName(id: string | null | undefined): string;
  /** Re-renders the section, with a status line on top. */
  reload(note?: HTMLElement): Promise<void>;
}

const panel = (label: string, ...body: (Node | null | false)[]) => h('section', { class: 'panel', 'aria-label': label }, h('h2', {}, label), ...body);
const done = (text: string) => h('p', { role: 'status', class: 'note' }, text);
/** A full-width table that scrolls sideways on its own when a narrow screen cannot hold it. */
const table = (caption: string, heads: string[], rows: Node[] | HTMLElement) => h('div', { class: 'scroll' }, h('table', {},
  h('caption', { class: 'visually-hidden' }, caption),
  h('thead', {}, h('tr', {}, heads.map((c) => h('th', { scope: 'col' }, c)))),
  rows instanceof HTMLElement ? rows : h('tbody', {}, rows)));
const unitOptions = (ctx: Ctx, selected: string | null, none = true) => [
  ...(none ? [h('option', { value: '' }, a('noUnit'))] : []),
  ...ctx.units.map((u) => h('option', { value: u.id, selected: u.id === selected }, `${u.name}（${u.code}）`)),
];
const checks = (name: string, items: { value: string; label: string; checked: boolean }[]) =>
  h('span', { class: 'checks' }, items.map((i) => h('label', { class: 'check' }, h('input', { type: 'checkbox', name, value: i.value, checked: i.checked }), i.label)));
const checked = (form: HTMLFormElement, name: string) => Array.from(form.querySelectorAll<HTMLInputElement>(`input[name="${name}"]:checked`)).map((i) => i.value);

/** Submits a form: disables its button while the call runs, shows a failure in the form. */
function submitting(form: HTMLFormElement, run: () => Promise<void>, own: Partial<Record<number, string>> = {}) {
  return async (event: Event) => {
    event.preventDefault();
    const button = form.querySelector<HTMLButtonElement>('button[type="submit"]');
    form.querySelector('.problem')?.remove();
    if (button) button.disabled = true;
    try {
      await run();
    } catch (error) {
      form.append(problemNote(error, own));
    } finally {
      if (button) button.disabled = false;
    }
  };
}

async function usersSection(ctx: Ctx): Promise<Node[]> {
  const { items } = await answer(client.GET('/api/users', { signal: ctx.view.signal }));
  const editor = h('div', {});
  const own = { 409: a('officerTaken'), 400: a('needsUnit') };

  const form: HTMLFormElement = h('form', { class: 'filters', 'aria-label': a('newUser'), onsubmit: (e) => void create(e) },
    h('label', {}, a('displayName'), h('input', { name: 'displayName', required: true, maxlength: 100 })),
    h('label', {}, a('username'), h('input', { name: 'username', required: true, maxlength: 64, autocomplete: 'off' })),
    h('label', {}, a('initialPassword'), h('input', { name: 'password', type: 'password', required: true, minlength: 10, maxlength: 256, autocomplete: 'new-password' })),
    h('label', {}, a('role'), h('select', { name: 'role', required: true }, PEOPLE.map((r) => h('option', { value: r }, tx(`role.${r}`))))),
    h('label', {}, a('unit'), h('select', { name: 'unitId' }, unitOptions(ctx, null))),
    h('label', {}, a('officerNo'), h('input', { name: 'officerNo', maxlength: 32, pattern: '\\S+' })),
    h('fieldset', { class: 'wide' }, h('legend', {}, a('oversees')), checks('oversees', ctx.units.map((u) => ({ value: u.id, label: u.name, checked: false })))),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, a('createUser'))),
  );
  const create = submitting(form, async () => {
    const v = formValues(form);
    const made = await answer(client.POST('/api/users', { body: {
      username: v.username!, password: v.password!, role: v.role as Role, displayName: v.displayName,
      ...(v.unitId ? { unitId: v.unitId } : {}), ...(v.officerNo ? { officerNo: v.officerNo } : {}),
      ...(v.role === 'overseer' ? { oversees: checked(form, 'oversees') } : {}),
    } }));
    const note = a('userCreated', { name: made.displayName ?? made.username, username: made.username });
    await ctx.reload(done(made.attributedFootage ? `${note} ${a('attributedCreated', { count: made.attributedFootage })}` : note));
  }, { 409: a('usernameTaken'), 400: a('needsUnit') });

  function edit(u: User) {
    const f: HTMLFormElement = h('form', { class: 'filters', onsubmit: (e) => void save(e) },
      h('label', {}, a('displayName'), h('input', { name: 'displayName', value: u.displayName ?? '', maxlength: 100 })),
      h('label', {}, a('unit'), h('select', { name: 'unitId' }, unitOptions(ctx, u.unitId))),
      h('label', {}, a('officerNo'), h('input', { name: 'officerNo', value: u.officerNo ?? '', maxlength: 32, pattern: '\\S+' })),
      u.role === 'overseer' && h('fieldset', { class: 'wide' }, h('legend', {}, a('oversees')), checks('oversees', ctx.units.map((x) => ({ value: x.id, label: x.name, checked: u.oversees.includes(x.id) })))),
      h('div', { class: 'actions' }, h('button', { type: 'submit' }, a('save')), h('button', { type: 'button', class: 'link', onclick: () => editor.replaceChildren() }, a('cancel'))),
    );
    const save = submitting(f, async () => {
      const v = formValues(f);
      const changed = await answer(client.PATCH('/api/users/{id}', { params: { path: { id: u.id } }, body: {
        displayName: v.displayName ?? null, unitId: v.unitId ?? null, officerNo: v.officerNo ?? null,
        ...(u.role === 'overseer' ? { oversees: checked(f, 'oversees') } : {}),
      } }));
      await ctx.reload(done(changed.attributedFootage ? a('attributed', { count: changed.attributedFootage }) : a('saved')));
    }, own);
    const pw: HTMLFormElement = h('form', { class: 'inline', 'aria-label': a('resetPassword'), onsubmit: (e) => void setPw(e) },
      h('label', {}, a('newPassword'), h('input', { name: 'password', type: 'password', required: true, minlength: 10, maxlength: 256, autocomplete: 'new-password' })),
      h('button', { type: 'submit' }, a('setPassword')),
    );
    const setPw = submitting(pw, async () => {
      await answer(client.POST('/api/users/{id}/password', { params: { path: { id: u.id } }, body: { password: formValues(pw).password! } }));
      await ctx.reload(done(a('passwordSet', { name: personName(u) })));
    });
    const title = a('editUser', { name: `${personName(u)} · ${tx(`role.${u.role}`)}` });
    editor.replaceChildren(panel(title, f, h('h3', {}, a('resetPassword')), h('p', { class: 'muted' }, a('passwordNote')), pw));
    editor.querySelector('input')?.focus();
  }

  const act = (label: string, run: () => Promise<HTMLElement | undefined>) => h('button', { type: 'button', class: 'link', onclick: async () => {
    try {
      await ctx.reload(await run());
    } catch (error) {
      await ctx.reload(problemNote(error, { 409: a('selfDisable') }));
    }
  } }, label);
  const locked = (u: User) => !!u.lockedUntil && new Date(u.lockedUntil) > new Date();
  const rows = items.map((u) => h('tr', { class: u.disabledAt ? 'muted' : null },
    h('th', { scope: 'row' }, u.displayName ?? u.username),
    h('td', {}, u.officerNo ?? '—'),
    h('td', {}, u.username),
    h('td', { class: 'nowrap' }, tx(`role.${u.role}`)),
    h('td', {}, u.role === 'overseer' ? a('overseesList', { units: u.oversees.map((id) => ctx.unitName(id)).join('、') || '—' }) : ctx.unitName(u.unitId)),
    h('td', { class: 'nowrap' }, u.disabledAt ? a('disabled') : locked(u) ? a('lockedUntil', { time: dateTime(u.lockedUntil) }) : a('active')),
    h('td', {}, h('span', { class: 'row-actions' },
      h('button', { type: 'button', class: 'link', 'aria-label': `${a('edit')} ${personName(u)}`, onclick: () => edit(u) }, a('edit')),
      locked(u) && act(a('unlock'), async () => {
        await answer(client.POST('/api/users/{id}/unlock', { params: { path: { id: u.id } } }));
        return done(a('unlocked', { name: personName(u) }));
      }),
      u.id === ctx.view.me.id ? null : u.disabledAt
        ? act(a('enable'), async () => {
          await answer(client.PATCH('/api/users/{id}', { params: { path: { id: u.id } }, body: { disabled: false } }));
          return done(a('enabledDone', { name: personName(u) }));
        })
        : act(a('disable'), async () => {
          if (!confirm(a('confirmDisable', { name: personName(u) }))) return undefined;
          await answer(client.PATCH('/api/users/{id}', { params: { path: { id: u.id } }, body: { disabled: true } }));
          return done(a('disabledDone', { name: personName(u) }));
        }),
    )),
  ));
  return [
    editor,
    panel(a('newUser'), form),
    panel(a('userList'), table(a('userList'), [a('displayName'), a('officerNo'), a('username'), a('role'), a('unit'), a('state'), a('actions')], rows)),
  ];
}

async function unitsSection(ctx: Ctx): Promise<Node[]> {
  const { items: users } = await answer(client.GET('/api/users', { signal: ctx.view.signal }));
  const form: HTMLFormElement = h('form', { class: 'filters', 'aria-label': a('newUnit'), onsubmit: (e) => void create(e) },
    h('label', {}, a('unitName'), h('input', { name: 'name', required: true, maxlength: 200 })),
    h('label', {}, a('unitCode'), h('input', { name: 'code', required: true, maxlength: 32 })),
    h('label', {}, a('unitKind'), h('select', { name: 'kind' }, h('option', { value: 'agency' }, a('kindAgency')), h('option', { value: 'supervisor' }, a('kindSupervisor')))),
    h('label', {}, a('parent'), h('select', { name: 'parentId' }, unitOptions(ctx, null))),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, a('createUnit'))),
  );
  const create = submitting(form, async () => {
    const v = formValues(form);
    const made = await answer(client.POST('/api/units', { body: { code: v.code!, name: v.name!, kind: v.kind as 'agency' | 'supervisor', ...(v.parentId ? { parentId: v.parentId } : {}) } }));
    await ctx.reload(done(a('unitCreated', { name: made.name })));
  }, { 409: a('unitCodeTaken') });
  const overseers = (unitId: string) => users.filter((u) => u.role === 'overseer' && u.oversees.includes(unitId)).map(personName).join('、') || '—';
  const rows = ctx.units.map((u) => h('tr', {},
    h('th', { scope: 'row' }, u.name), h('td', {}, u.code), h('td', {}, u.kind === 'agency' ? a('kindAgency') : a('kindSupervisor')),
    h('td', {}, u.parentId ? ctx.unitName(u.parentId) : '—'), h('td', {}, overseers(u.id)),
  ));
  return [
    panel(a('unitList'), table(a('unitList'), [a('unitName'), a('unitCode'), a('unitKind'), a('parent'), a('overseers')], rows), h('p', { class: 'muted' }, a('overseesHint'))),
    panel(a('newUnit'), form),
  ];
}

async function devicesSection(ctx: Ctx): Promise<Node[]> {
  const [status, recorders, users] = await Promise.all([
    answer(client.GET('/api/stations', { signal: ctx.view.signal })),
    answer(client.GET('/api/recorders', { signal: ctx.view.signal })),
    answer(client.GET('/api/users', { signal: ctx.view.signal })),
  ]);
  const stationRows = status.stations.map((s) => {
    const name = s.name === s.code ? s.name : `${s.name}（${s.code}）`;
    const f: HTMLFormElement = h('form', { class: 'inline compact', onsubmit: (e) => void bind(e) },
      h('select', { name: 'unitId', 'aria-label': a('stationUnitOf', { name }) }, unitOptions(ctx, s.unitId)),
      h('button', { type: 'submit' }, a('bind')));
    const bind = submitting(f, async () => {
      const unitId = formValues(f).unitId ?? null;
      await answer(client.POST('/api/stations/{id}/unit', { params: { path: { id: s.id } }, body: { unitId } }));
      await ctx.reload(done(unitId ? a('stationBound', { name, unit: ctx.unitName(unitId) }) : a('stationUnbound', { name })));
    });
    return h('tr', {}, h('th', { scope: 'row' }, name), h('td', {}, dateTime(s.lastSeenAt)), h('td', {}, f));
  });

  const officers = users.items.filter((u) => u.officerNo);
  const serial = h('input', { name: 'serial', required: true, maxlength: 64 });
  const carrier = h('select', { name: 'officerNo' }, h('option', { value: '' }, a('nobody')), officers.map((u) => h('option', { value: u.officerNo! }, personName(u))));
  const rf: HTMLFormElement = h('form', { class: 'filters', 'aria-label': a('bindRecorder'), onsubmit: (e) => void bindRecorder(e) },
    h('label', {}, a('serial'), serial), h('label', {}, a('carrier'), carrier),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, a('bind'))));
  const bindRecorder = submitting(rf, async () => {
    const v = formValues(rf);
    await answer(client.POST('/api/recorders', { body: { serial: v.serial!, officerNo: v.officerNo ?? null } }));
    await ctx.reload(done(a('recorderBound', { serial: v.serial! })));
  });
  const recorderRows = recorders.items.map((r) => h('tr', {},
    h('th', { scope: 'row' }, r.serial),
    h('td', {}, r.officerNo ? `${r.officerName ?? ''}（${a('officerNo')} ${r.officerNo}）` : '—'),
    h('td', {}, ctx.unitName(r.unitId)),
    h('td', {}, r.lastDockedAt ? dateTime(r.lastDockedAt) : a('never')),
    h('td', {}, h('button', { type: 'button', class: 'link', 'aria-label': `${r.officerNo ? a('changeCarrier') : a('bindCarrier')} ${r.serial}`, onclick: () => {
      serial.value = r.serial;
      carrier.value = r.officerNo ?? '';
      carrier.focus();
    } }, r.officerNo ? a('changeCarrier') : a('bindCarrier'))),
  ));
  return [
    panel(a('stations'), status.stations.length === 0 ? h('p', { class: 'muted' }, a('noStations'))
      : table(a('stations'), [a('stationName'), a('lastSeen'), a('unit')], stationRows)),
    panel(a('recorders'), recorders.items.length === 0 ? h('p', { class: 'muted' }, a('noRecorders'))
      : table(a('recorders'), [a('serial'), a('carrier'), a('unitViaOfficer'), a('lastDocked'), a('actions')], recorderRows)),
    panel(a('bindRecorder'), rf),
  ];
}

async function tokensSection(ctx: Ctx): Promise<Node[]> {
  const [{ items }, users] = await Promise.all([answer(client.GET('/api/tokens', { signal: ctx.view.signal })), answer(client.GET('/api/users', { signal: ctx.view.signal }))]);
  const active = users.items.filter((u) => !u.disabledAt);
  const role = h('select', { name: 'role' }, [...PEOPLE, 'station' as const].map((r) => h('option', { value: r }, tx(`role.${r}`))));
  const who = h('select', { name: 'userId', onchange: () => { role.disabled = who.value !== ''; } },
    h('option', { value: '' }, a('systemAccount')), active.map((u) => h('option', { value: u.id }, `${personName(u)} · ${tx(`role.${u.role}`)}`)));
  const form: HTMLFormElement = h('form', { class: 'filters', 'aria-label': a('newToken'), onsubmit: (e) => void create(e) },
    h('label', {}, a('tokenName'), h('input', { name: 'name', required: true, maxlength: 200 })),
    h('label', {}, a('actsAs'), who),
    h('label', {}, a('systemRole'), role),
    h('fieldset', { class: 'wide' }, h('legend', {}, a('scopes')), checks('scopes', SCOPES.map((s) => ({ value: s, label: a(`scope.${s}`), checked: false })))),
    h('p', { class: 'muted wide' }, a('roleFromUser')),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, a('createToken'))),
  );
  const create = submitting(form, async () => {
    const v = formValues(form);
    const user = active.find((u) => u.id === v.userId);
    const scopes = checked(form, 'scopes') as (typeof SCOPES)[number][];
    const made = await answer(client.POST('/api/tokens', { body: { name: v.name!, role: user?.role ?? (role.value as Role), ...(user ? { userId: user.id } : {}), ...(scopes.length ? { scopes } : {}) } }));
    const status = h('p', { role: 'status', class: 'muted' });
    const secret = h('code', { class: 'secret' }, made.token);
    await ctx.reload(h('section', { class: 'panel note', 'aria-label': a('tokenSecret') },
      h('h2', {}, a('tokenSecret')),
      h('p', {}, a('tokenMade', { name: v.name! }), ' ', h('strong', {}, a('tokenOnce'))),
      h('p', {}, secret, ' ', h('button', { type: 'button', onclick: async () => {
        await navigator.clipboard.writeText(made.token).then(() => { status.textContent = a('copied'); }, () => { getSelection()?.selectAllChildren(secret); });
      } }, a('copy'))),
      status,
    ));
  });
  const identity = (t: Token) => t.userId ? `${t.userName ?? '—'} · ${tx(`role.${t.role}`)}` : `${a('system')} · ${tx(`role.${t.role}`)}`;
  const rows = items.map((t) => h('tr', { class: t.revokedAt ? 'muted' : null },
    h('th', { scope: 'row' }, t.name), h('td', {}, identity(t)),
    h('td', {}, t.scopes.length ? t.scopes.map((s) => (SCOPES as readonly string[]).includes(s) ? a(`scope.${s as (typeof SCOPES)[number]}`) : s).join('、') : a('scopeAll')),
    h('td', {}, dateTime(t.createdAt)), h('td', {}, dateTime(t.lastUsedAt)),
    h('td', { class: 'nowrap' }, t.revokedAt ? a('revokedAt', { time: dateTime(t.revokedAt) }) : a('valid')),
    h('td', { class: 'nowrap' }, !t.revokedAt && h('button', { type: 'button', class: 'link', 'aria-label': `${a('revoke')} ${t.name}`, onclick: async () => {
      if (!confirm(a('confirmRevoke', { name: t.name }))) return;
      try {
        await answer(client.DELETE('/api/tokens/{id}', { params: { path: { id: t.id } } }));
        await ctx.reload(done(a('revoked', { name: t.name })));
      } catch (error) {
        await ctx.reload(problemNote(error));
      }
    } }, a('revoke'))),
  ));
  return [
    panel(a('newToken'), form),
    panel(a('tokenList'), table(a('tokenList'), [a('name'), a('actsAs'), a('scopeHead'), a('created'), a('lastUsed'), a('state'), a('actions')], rows)),
  ];
}

async function queueSection(ctx: Ctx): Promise<Node[]> {
  const body = h('tbody', {});
  // Offered only while there is a next page (removed, not hidden: a button's display would show it anyway).
  const more = h('button', { type: 'button', onclick: () => void load() }, a('more'));
  const moreSlot = h('p', {});
  let cursor: string | null = null;
  const row = (e: Evidence) => {
    const f: HTMLFormElement = h('form', { class: 'inline compact', onsubmit: (ev) => void assign(ev) },
      h('select', { name: 'unitId', required: true, 'aria-label': a('unitOfFile', { file: e.originalName }) }, h('option', { value: '' }, '—'), unitOptions(ctx, null, false)),
      h('input', { name: 'reason', required: true, minlength: 2, maxlength: 2000, placeholder: a('reason'), 'aria-label': a('reasonOfFile', { file: e.originalName }) }),
      h('button', { type: 'submit' }, a('assign')));
    const assign = submitting(f, async () => {
      const v = formValues(f);
      await answer(client.POST('/api/evidence/{id}/unit', { params: { path: { id: e.id } }, body: { unitId: v.unitId!, reason: v.reason! } }));
      await ctx.reload(done(a('assigned', { file: e.originalName, unit: ctx.unitName(v.unitId) })));
    }, { 409: a('alreadyAssigned') });
    return h('tr', {},
      h('th', { scope: 'row' }, h('a', { href: `/evidence/${e.id}` }, e.originalName)),
      h('td', {}, e.officerNo ?? '—'), h('td', {}, e.deviceSerial),
      h('td', {}, dateTime(e.recordedAt)), h('td', {}, dateTime(e.receivedAt)), h('td', {}, f));
  };
  async function load() {
    const page = await answer(client.GET('/api/evidence/unassigned', { params: { query: { limit: 50, ...(cursor ? { cursor } : {}) } }, signal: ctx.view.signal }));
    body.append(...page.items.map(row));
    cursor = page.nextCursor;
    moreSlot.replaceChildren(...(cursor ? [more] : []));
  }
  await load();
  return [
    h('p', { class: 'muted' }, a('queueNote')),
    body.childElementCount === 0 ? h('p', { class: 'note', role: 'status' }, a('queueEmpty'))
      : panel(a('queue'), table(a('queue'), [a('file'), a('officerNo'), a('recorder'), a('recordedAt'), a('receivedAt'), a('assignTo')], body), moreSlot),
  ];
}

const RENDER: Record<Section, (ctx: Ctx) => Promise<Node[]>> = { users: usersSection, units: unitsSection, devices: devicesSection, tokens: tokensSection, queue: queueSection };

/** 系统管理: accounts, units, stations and recorders, API tokens and the work queue of footage without a unit (admins only). */
export async function adminPage(view: View): Promise<Node[]> {
  const section: Section = (SECTIONS as readonly string[]).includes(view.params[0] ?? '') ? view.params[0] as Section : 'users';
  const content = h('div', { id: 'admin-section' });
  const ctx: Ctx = {
    view,
    units: [],
    unitName: (id) => (id && ctx.units.find((u) => u.id === id)?.name) || '—',
    async reload(note) {
      ctx.units = (await answer(client.GET('/api/units', { signal: view.signal }))).items;
      const nodes = await RENDER[section](ctx);
      content.replaceChildren(...(note ? [note] : []), ...nodes);
      note?.scrollIntoView({ block: 'nearest' });
    },
  };
  await ctx.reload();
  const tab = (s: Section) => h('a', { href: s === 'users' ? '/admin' : `/admin/${s}`, 'aria-current': s === section ? 'page' : null }, a(s));
  return [
    h('h1', {}, `${a('nav')} · ${a(section)}`),
    h('nav', { class: 'tabs', 'aria-label': a('sections') }, SECTIONS.map(tab)),
    content,
  ];
}
