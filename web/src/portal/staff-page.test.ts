import { afterEach, describe, expect, it } from 'vitest';
import type { SessionUser } from '../shared/api.types.ts';
import { getLang, setLang } from '../shared/i18n.service.ts';
import { StaffPage, type StaffPageOptions } from './staff-page.ts';

const user = (role: string): SessionUser => ({ username: `u-${role}`, displayName: '', role });

/** A staff page for officers whose drawing is recorded. */
function officersPage(draw: StaffPageOptions['draw'] = async () => undefined) {
  const root = document.createElement('div');
  const shown: number[] = [];
  const page = new StaffPage(root, {
    page: 'inbox',
    title: () => (getLang() === 'en' ? { long: 'Enquiry inbox', short: 'Enquiries' } : { long: '投资意向受理', short: '投资意向' }),
    roles: ['officer', 'admin'],
    signInId: 'inbox-signin',
    signInHint: () => (getLang() === 'en' ? 'Officers only.' : '仅限招商专员。'),
    noAccess: (role) => `no access for ${role}`,
    draw,
    onShown: () => shown.push(1),
  });
  return { root, page, shown };
}

afterEach(() => setLang('zh'));

describe('StaffPage', () => {
  it('puts the shared shell on top and offers the shared sign-in form to a visitor (no header sign-in button)', async () => {
    const { root, page, shown } = officersPage();
    await page.show();
    expect(root.firstElementChild!.id).toBe('top-bar');
    expect(root.querySelectorAll('#lang-toggle')).toHaveLength(1);
    expect(root.querySelector('#sign-in')).toBeNull();
    const card = root.querySelector('#inbox-signin')!;
    expect(card.querySelector('h2')!.textContent).toBe('投资意向受理');
    expect(card.querySelector('p.muted')!.textContent).toBe('仅限招商专员。');
    expect(card.querySelectorAll('input[name=username], input[name=password]')).toHaveLength(2);
    expect(shown).toHaveLength(1);
  });

  it('tells a signed-in user whose role may not use the page, with the role in the page language', async () => {
    const { root, page } = officersPage();
    page.shell.setUser(user('staff'));
    await page.show();
    expect(root.querySelector('#no-access')!.textContent).toBe('no access for 载体专员');
    expect(root.querySelector('#sign-out')).not.toBeNull();
    expect(root.querySelector('#inbox-signin')).toBeNull();
  });

  it('draws the page for an allowed role under its heading, and again in the other language', async () => {
    const calls: { role: string; lang: string; heading: string }[] = [];
    const { root, page, shown } = officersPage(async (main, u) => {
      calls.push({ role: u.role, lang: getLang(), heading: main.querySelector('h1')!.textContent! });
      main.append(Object.assign(document.createElement('ul'), { id: 'inbox-list' }));
    });
    page.shell.setUser(user('officer'));
    await page.show();
    expect(root.querySelector('#inbox-list')).not.toBeNull();
    (root.querySelector('#lang-toggle') as HTMLButtonElement).click();
    await new Promise((r) => setTimeout(r, 0));
    expect(calls).toEqual([
      { role: 'officer', lang: 'zh', heading: '投资意向受理' },
      { role: 'officer', lang: 'en', heading: 'Enquiry inbox' },
    ]);
    expect(root.querySelectorAll('#inbox-list')).toHaveLength(1);
    expect(root.querySelector('#top-bar h1')!.textContent).toContain('Enquiry inbox');
    expect(shown).toHaveLength(2);
  });

  it('aborts the previous drawing when it draws anew, and shows an error that stopped a drawing', async () => {
    const signals: AbortSignal[] = [];
    let fail = false;
    const { root, page } = officersPage(async (_main, _u, signal) => {
      signals.push(signal);
      if (fail) throw new Error('GET /api/enquiries failed with HTTP 500');
    });
    page.shell.setUser(user('admin'));
    await page.show();
    fail = true;
    await page.show();
    expect(signals[0].aborted).toBe(true);
    expect(signals[1].aborted).toBe(false);
    expect(root.querySelector('#page-error')!.textContent).toBe('GET /api/enquiries failed with HTTP 500');
  });
});
