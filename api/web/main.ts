import { ApiError, answer, client, whenUnauthorized, type Me, type Unit } from './api';
import { h, present } from './dom';
import { person } from './format';
import { lang, setLang, t, texts, tx } from './i18n';
import { afterLogin, landingFor, redirectFor, retryDelaySeconds, searchesEvidence } from './landing';
import { auditNavLabel, auditPage } from './pages/audit';
import { adminPage, adminText } from './pages/admin';
import { casePage, casesPage } from './pages/cases';
import { evidencePage } from './pages/evidence';
import { loginPage } from './pages/login';
import { searchPage } from './pages/search';
import { stationsPage } from './pages/stations';
import { storagePage } from './pages/storage';
import { newReminderPage, reminderPage, remindersPage } from './pages/reminders';
import { reviewPage, reviewsPage, rubricPage } from './pages/reviews';
import { homePage, reportsPage, unitsPage } from './pages/work';
import { isOffline, problemNote } from './problems';
import { st, supervisionPage } from './pages/supervision';
import { can, type PageRender, type View } from './view';

const s = texts({
  navHome: '我的工作',
  navUnits: '单位概况',
  navReports: '我的举报',
  backHome: '返回首页',
  offlineTitle: '无法连接平台',
  retryIn: '{seconds} 秒后自动重试。',
  retryNow: '立即重试',
  navReminders: '监督提醒',
  navReviews: '抽查',
}, {
  navHome: 'My work',
  navUnits: 'Units overview',
  navReports: 'My reports',
  backHome: 'Back to the start page',
  offlineTitle: 'The platform cannot be reached',
  retryIn: 'Retrying in {seconds} s.',
  retryNow: 'Retry now',
  navReminders: 'Reminders',
  navReviews: 'Sample reviews',
});

const ID = '([0-9a-f-]{36})';
const routes: [RegExp, PageRender][] = [
  [/^\/evidence$/, searchPage],
  [/^\/home$/, homePage],
  [/^\/units$/, unitsPage],
  [/^\/my-reports$/, reportsPage],
  [new RegExp(`^/evidence/${ID}$`), evidencePage],
  [/^\/cases$/, casesPage],
  [new RegExp(`^/cases/${ID}$`), casePage],
  [/^\/stations$/, stationsPage],
  [/^\/storage$/, storagePage],
  [/^\/audit$/, auditPage],
  [/^\/admin(?:\/(users|units|devices|tokens|queue))?$/, adminPage],
  [/^\/supervision$/, supervisionPage],
  [/^\/reminders$/, remindersPage],
  [/^\/reminders\/new$/, newReminderPage],
  [new RegExp(`^/reminders/${ID}$`), reminderPage],
  [/^\/reviews$/, reviewsPage],
  [new RegExp(`^/reviews/${ID}$`), reviewPage],
  [/^\/reviews\/rubrics\/new$/, rubricPage],
  [new RegExp(`^/reviews/rubrics/${ID}$`), rubricPage],
];

const main = document.getElementById('main')!;
let me: Me | null = null;
let unitCache: Promise<Map<string, Unit>> | null = null;
let leaving = new AbortController();
let firstRender = true;
/** Failed tries in a row because the platform could not be reached (the backoff of the automatic retry). */
let offlineTries = 0;

function navigate(path: string, replace = false): void {
  history[replace ? 'replaceState' : 'pushState'](null, '', path);
  offlineTries = 0;
  void render();
}

function units(): Promise<Map<string, Unit>> {
  unitCache ??= answer(client.GET('/api/units')).then(
    (r) => new Map(r.items.map((u) => [u.id, u])),
    () => new Map(),
  );
  return unitCache;
}

async function signOut(): Promise<void> {
  await answer(client.POST('/api/auth/logout')).catch(() => {});
  me = null;
  unitCache = null;
  navigate('/login');
}

/** The menu entry of a role's own landing page, for the roles that have one here. */
const ownWork = (who: Me): string | null =>
  ({ complainant: s('navReports'), handler: s('navHome'), unit_head: s('navUnits'), overseer: s('navUnits') } as Partial<Record<Me['role'], string>>)[who.role] ?? null;

function header(): void {
  document.getElementById('skip')!.textContent = t('skipToMain');
  const here = location.pathname;
  const link = (href: string, label: string) =>
    h('a', { href, 'aria-current': here === href || here.startsWith(`${href}/`) ? 'page' : null }, label);
  const other = lang() === 'en' ? 'zh-CN' : 'en';
  document.getElementById('bar')!.replaceChildren(...present(
    h('span', { class: 'brand' }, t('appName')),
    me
      ? h('nav', { 'aria-label': t('mainNav') },
        ownWork(me) && link(landingFor(me), ownWork(me)!),
        searchesEvidence(me) && link('/evidence', t('navEvidence')),
        me.role !== 'complainant' && can(me, 'case.search') && link('/cases', t('navCases')),
        can(me, 'station.status') && link('/stations', t('navStations')),
        can(me, 'storage.read') && link('/storage', t('navStorage')),
        can(me, 'supervision.read') && link('/supervision', st('title')),
        can(me, 'reminder.read') && link('/reminders', s('navReminders')),
        can(me, 'review.read') && link('/reviews', s('navReviews')),
        can(me, 'audit.read') && link('/audit', auditNavLabel()),
        can(me, 'user.list') && link('/admin', adminText('nav')))
      : null,
    h('span', { class: 'spacer' }),
    me ? h('span', { class: 'who' }, `${person(me.name, me.displayName, me.officerNo)} · ${tx(`role.${me.role}`)}`) : null,
    me ? h('button', { type: 'button', onclick: () => void signOut() }, t('logout')) : null,
    h('button', { type: 'button', id: 'lang', lang: other, 'aria-label': t('switchLanguage'), onclick: () => { setLang(other); void render('lang'); } }, other === 'en' ? 'English' : '中文'),
  ));
}

function problemView(error: unknown, signal: AbortSignal): Node[] {
  const home = me ? landingFor(me) : '/';
  if (error instanceof ApiError && error.status === 404) return [h('h1', {}, t('notFoundTitle')), h('p', { role: 'alert' }, t('notFound')), h('p', {}, h('a', { href: home }, s('backHome')))];
  if (error instanceof ApiError && error.status === 403) return [h('h1', {}, t('forbiddenTitle')), h('p', { role: 'alert' }, t('forbidden')), h('p', {}, h('a', { href: home }, s('backHome')))];
  if (isOffline(error)) return offlineView(signal);
  return [h('h1', {}, t('errorTitle')), problemNote(error), h('p', {}, h('a', { href: home }, s('backHome')))];
}

/** The platform did not answer: say so, and load the page again by itself, waiting longer each time. */
function offlineView(signal: AbortSignal): Node[] {
  const seconds = retryDelaySeconds(offlineTries++);
  const timer = window.setTimeout(() => void render('keep'), seconds * 1000);
  signal.addEventListener('abort', () => clearTimeout(timer));
  return [
    h('h1', {}, s('offlineTitle')),
    problemNote(new TypeError('offline')),
    h('p', { role: 'status' }, s('retryIn', { seconds })),
    h('button', { type: 'button', onclick: () => void render('keep') }, s('retryNow')),
  ];
}

/**
 * Renders the current URL; after a navigation focus goes to the new heading, after a language switch back
 * to the switch; a retry ('keep') leaves focus where it is.
 */
async function render(focus: 'heading' | 'lang' | 'keep' = 'heading'): Promise<void> {
  leaving.abort();
  leaving = new AbortController();
  const signal = leaving.signal;
  const { pathname, search } = location;
  if (!me && pathname !== '/login') return navigate(`/login?next=${encodeURIComponent(pathname + search)}`, true);
  const instead = me && redirectFor(me, pathname);
  if (instead) return navigate(instead, true);
  header();
  main.setAttribute('aria-busy', 'true');
  let nodes: Node[];
  if (pathname === '/login') {
    nodes = await loginPage((signedIn) => {
      me = signedIn;
      navigate(afterLogin(signedIn, new URLSearchParams(location.search).get('next')), true);
    });
  } else {
    const route = routes.map(([re, page]) => [re.exec(pathname), page] as const).find(([m]) => m);
    const view: View = { me: me!, params: route?.[0]?.slice(1) ?? [], search: new URLSearchParams(search), signal, navigate, units };
    nodes = route
      ? await route[1](view).then((page) => ((offlineTries = 0), page), (e: unknown) => problemView(e, signal))
      : problemView(new ApiError(404, 'Not Found'), signal);
  }
  if (signal.aborted) return;
  main.replaceChildren(...nodes);
  main.removeAttribute('aria-busy');
  const title = main.querySelector('h1');
  document.title = `${title?.textContent ?? ''} · ${t('appName')}`;
  main.setAttribute('aria-label', title?.textContent ?? t('appName'));
  if (focus === 'lang') document.getElementById('lang')?.focus();
  else if (focus === 'heading' && !firstRender && title && !main.contains(document.activeElement)) {
    title.tabIndex = -1;
    title.focus();
  }
  firstRender = false;
}

document.addEventListener('click', (event) => {
  const a = (event.target as Element).closest('a');
  if (!a || a.origin !== location.origin || a.pathname.startsWith('/api/') || a.target || a.hasAttribute('download')) return;
  if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  if (a.pathname + a.search !== location.pathname + location.search) navigate(a.pathname + a.search);
});
window.addEventListener('popstate', () => void render());
whenUnauthorized(() => {
  if (me) {
    me = null;
    navigate(`/login?next=${encodeURIComponent(location.pathname + location.search)}`);
  }
});

/** Who is signed in; while the platform cannot be reached, says so and asks again. */
async function start(attempt = 0): Promise<void> {
  try {
    me = await answer(client.GET('/api/auth/me'));
  } catch (error) {
    if (isOffline(error)) {
      const seconds = retryDelaySeconds(attempt);
      main.replaceChildren(h('h1', {}, s('offlineTitle')), problemNote(error), h('p', { role: 'status' }, s('retryIn', { seconds })));
      window.setTimeout(() => void start(attempt + 1), seconds * 1000);
      return;
    }
    me = null;
  }
  void render();
}

setLang(lang());
await start();
