import { answer, client, type Case, type Evidence } from '../api';
import { h } from '../dom';
import { t } from '../i18n';
import { problemNote } from '../problems';
import { can, type View } from '../view';
import { ct } from './case-texts';

/**
 * The 关联到此案件 button of a search result when the search adds footage to `target`; a clip the
 * case already has shows 已关联 instead. Undefined for who may not link.
 */
export async function caseLinker(view: View, target: Case | null): Promise<(e: Evidence) => HTMLElement | undefined> {
  if (!target || !can(view.me, 'case.link')) return () => undefined;
  const footage = await answer(client.GET('/api/cases/{id}/evidence', { params: { path: { id: target.id } }, signal: view.signal })).catch(() => null);
  const linked = new Set(footage?.stages.flatMap((s) => s.evidence.map((e) => e.id)) ?? []);
  const done = () => h('button', { type: 'button', disabled: true, class: 'done' }, ct('alreadyLinked'));
  return (e) => {
    if (linked.has(e.id)) return done();
    const button = h('button', { type: 'button' }, t('linkToThisCase'));
    button.addEventListener('click', async () => {
      button.disabled = true;
      button.parentElement?.querySelector('.problem')?.remove();
      try {
        await answer(client.POST('/api/cases/{id}/evidence', { params: { path: { id: target.id } }, body: { evidenceId: e.id } }));
        linked.add(e.id);
        button.replaceWith(done());
      } catch (error) {
        button.disabled = false;
        button.after(problemNote(error));
      }
    });
    return button;
  };
}
