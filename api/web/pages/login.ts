import { answer, client, type Me } from '../api';
import { formValues, h } from '../dom';
import { t } from '../i18n';
import { problemNote } from '../problems';

export async function loginPage(signedIn: (me: Me) => void): Promise<Node[]> {
  const message = h('div', { class: 'login-message' });
  const submit = h('button', { type: 'submit' }, t('login'));
  const form = h('form', { class: 'login panel', onsubmit: (event) => void send(event) },
    h('label', {}, t('username'), h('input', { name: 'username', autocomplete: 'username', required: true, autofocus: true, maxlength: 64 })),
    h('label', {}, t('password'), h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true, maxlength: 256 })),
    submit,
    message,
  );
  async function send(event: Event) {
    event.preventDefault();
    submit.disabled = true;
    message.replaceChildren();
    try {
      const { username = '', password = '' } = formValues(form);
      signedIn(await answer(client.POST('/api/auth/login', { body: { username, password } })));
    } catch (error) {
      message.replaceChildren(problemNote(error, { 401: t('loginFailed'), 429: t('loginTooMany') }));
      submit.disabled = false;
    }
  }
  return [h('h1', {}, t('loginTitle')), form];
}
