import { ApiError, answer, client, whenUnauthorized, type Me, type Unit } from './api';
import { h, present } from './dom';
import { lang, setLang, t, tx } from './i18n';
import { casePage, casesPage } from './pages/cases';
import { evidencePage } from './pages/evidence';
import { loginPage } from './pages/login';
import { searchPage } from './pages/search';
import { stationsPage } from './pages/stations';
import { storagePage } from './pages/storage';
import { st, supervisionPage } from './pages/supervision';
import { can, type PageRender, type View } from './view';

const ID = '([0-9a-f-]{36})';
const routes: [RegExp, PageRender][] = [
  [/^\/(?:evidence)?$/, searchPage],
  [new RegExp(`^/evidence/${ID}$`), evidencePage],
  [/^\/cases$/, casesPage],
  [new RegExp(`^/cases/${ID}$`), casePage],
  [/^\/stations$/, stationsPage],
  [/^\/storage$/, storagePage],
  [/^\/supervision$/, supervisionPage],
];

const main = document.getElementById('main')!;
let me: Me | null = null;
let unitCache: Promise<Map<string, Unit>> | null = null;
let leaving = new AbortController();
let firstRender = true;

function navigate(path: string, replace = false): void {
  history[replace ? 'replaceState' : 'pushState'](null, '', path);
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

function header(): void {
  document.getElementById('skip')!.textContent = t('skipToMain');
  const here = location.pathname;
  const link = (href: string, label: string) =>
    h('a', { href, 'aria-current': here === href || here.startsWith(`${href}/`) ? 'page' : null }, label);
  const other = lang() === 'en' ? 'zh-CN' : 'en';
  document.getElementById('bar')!.replaceChildren(...present(
    h('span', { class: 'brand' }, t('appName')),
    me
      ? h('nav', { 'aria-label': t('mainNav') }, can(me, 'evidence.search') && link('/evidence', t('navEvidence')), can(me, 'case.search') && link('/cases', t('navCases')), can(me, 'station.status') && link('/stations', t('navStations')), can(me, 'storage.read') && link('/storage', t('navStorage')), can(me, 'supervision.read') && link('/supervision', st('title')))
      : null,
    h('span', { class: 'spacer' }),
    me ? h('span', { class: 'who' }, `${me.name} · ${tx(`role.${me.role}`)}`) : null,
    me ? h('button', { type: 'button', onclick: () => void signOut() }, t('logout')) : null,
    h('button', { type: 'button', id: 'lang', lang: other, 'aria-label': t('switchLanguage'), onclick: () => { setLang(other); void render('lang'); } }, other === 'en' ? 'English' : '中文'),
  ));
}

function problemView(error: unknown): Node[] {
  if (error instanceof ApiError && error.status === 404) return [h('h1', {}, t('notFoundTitle')), h('p', { role: 'alert' }, t('notFound')), h('p', {}, h('a', { href: '/evidence' }, t('backToSearch')))];
  if (error instanceof ApiError && error.status === 403) return [h('h1', {}, t('forbiddenTitle')), h('p', { role: 'alert' }, t('forbidden'))];
  return [h('h1', {}, t('errorTitle')), h('p', { role: 'alert' }, error instanceof Error ? error.message : String(error))];
}

/** Renders the current URL; after a navigation focus goes to the new heading, after a language switch back to the switch. */
async function render(focus: 'heading' | 'lang' = 'heading'): Promise<void> {
  leaving.abort();
  leaving = new AbortController();
  const signal = leaving.signal;
  const { pathname, search } = location;
  if (!me && pathname !== '/login') return navigate(`/login?next=${encodeURIComponent(pathname + search)}`, true);
  header();
  main.setAttribute('aria-busy', 'true');
  let nodes: Node[];
  if (pathname === '/login') {
    nodes = await loginPage((signedIn) => {
      me = signedIn;
      const next = new URLSearchParams(location.search).get('next');
      navigate(next?.startsWith('/') && !next.startsWith('//') ? next : '/evidence', true);
    });
  } else {
    const route = routes.map(([re, page]) => [re.exec(pathname), page] as const).find(([m]) => m);
    const view: View = { me: me!, params: route?.[0]?.slice(1) ?? [], search: new URLSearchParams(search), signal, navigate, units };
    nodes = route ? await route[1](view).catch((e: unknown) => problemView(e)) : problemView(new ApiError(404, 'Not Found'));
  }
  if (signal.aborted) return;
  main.replaceChildren(...nodes);
  main.removeAttribute('aria-busy');
  const title = main.querySelector('h1');
  document.title = `${title?.textContent ?? ''} · ${t('appName')}`;
  if (focus === 'lang') document.getElementById('lang')?.focus();
  else if (!firstRender && title && !main.contains(document.activeElement)) {
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

setLang(lang());
me = await answer(client.GET('/api/auth/me')).catch(() => null);
void render();
