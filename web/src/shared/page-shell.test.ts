import { afterEach, describe, expect, it } from 'vitest';
import type { SessionUser } from './api.types.ts';
import { getLang, setLang, t } from './i18n.service.ts';
import { pageHeaderHtml } from '../../../ui/page-header.ts';
import { languageToggle, navLinksFor, PageShell } from './page-shell.ts';

const user = (role: SessionUser['role']): SessionUser => ({ id: 1, username: `u-${role}`, displayName: '', role } as SessionUser);
const ids = (el: HTMLElement) => [...el.querySelectorAll('nav a')].map((a) => a.id);

afterEach(() => setLang('zh'));

describe('navLinksFor', () => {
  it('gives each role the pages it may use, never the page it is on', () => {
    expect(navLinksFor('map', null).map((l) => l.id)).toEqual(['nav-find', 'nav-tours']);
    expect(navLinksFor('map', user('staff')).map((l) => l.id)).toEqual(['nav-find', 'nav-tours', 'nav-upload', 'nav-policies', 'nav-stats']);
    expect(navLinksFor('tour', user('officer')).map((l) => l.id)).toEqual(['nav-map', 'nav-find', 'nav-select', 'nav-inbox', 'nav-stats']);
    expect(navLinksFor('upload', user('admin')).map((l) => l.id)).toEqual(['nav-map', 'nav-find', 'nav-tours', 'nav-policies', 'nav-select', 'nav-inbox', 'nav-stats']);
  });
});

describe('languageToggle', () => {
  it('shows the current language and switches to the other one', () => {
    const zh = languageToggle();
    expect(zh.id).toBe('lang-toggle');
    // A real link to this page in the other language (it works without JavaScript too).
    expect(zh.getAttribute('href')).toMatch(/\?lang=en$/);
    expect(zh.querySelector('.on')!.textContent).toBe('中');
    zh.click();
    expect(getLang()).toBe('en');
    expect(languageToggle().querySelector('.on')!.textContent).toBe('EN');
  });
});

describe('PageShell', () => {
  it('draws brand, title, links, language toggle and sign-in; redraws in the other language', () => {
    let langChanges = 0;
    const shell = new PageShell({ page: 'tour', title: () => ({ long: t('navTours') }), onLangChange: () => langChanges++ });
    const el = shell.element;
    expect(el.id).toBe('top-bar');
    expect(el.querySelector('.brand-mark')!.getAttribute('href')).toBe('/');
    expect(el.querySelector('h1')!.textContent).toContain('园区导览');
    expect(ids(el)).toEqual(['nav-map', 'nav-find']);
    expect(el.querySelector('#sign-in')).not.toBeNull();
    expect(document.title).toBe('园区导览 · 达州招商载体');
    (el.querySelector('#lang-toggle') as HTMLButtonElement).click();
    expect(el.querySelector('h1')!.textContent).toContain('Park tours');
    expect(el.querySelector('#nav-map')!.textContent).toBe('Investment map');
    expect(langChanges).toBe(1);
    expect(el.querySelector('.brand-mark')!.getAttribute('href')).toBe('/?lang=en');
  });

  it('shows the user with role and sign-out, and the links of that role', () => {
    const shell = new PageShell({ page: 'map', title: () => ({ long: t('appTitle') }), controls: () => [document.createElement('button')] });
    shell.setUser(user('reviewer'));
    const el = shell.element;
    expect(el.querySelector('#user-role')!.getAttribute('data-role')).toBe('reviewer');
    expect(el.querySelector('#sign-out')).not.toBeNull();
    expect(el.querySelector('#sign-in')).toBeNull();
    expect(ids(el)).toEqual(['nav-find', 'nav-tours', 'nav-upload', 'nav-policies', 'nav-stats']);
  });

  it('leaves sign-in out of the header on pages with an inline form', () => {
    const shell = new PageShell({ page: 'upload', title: () => ({ long: 'x' }), signInButton: false });
    expect(shell.element.querySelector('#sign-in')).toBeNull();
  });
});

describe('PageShell on a server-rendered header (the portal)', () => {
  const serverHeader = (lang: 'zh' | 'en') => {
    document.body.innerHTML = pageHeaderHtml({
      lang, page: 'portal', title: { long: 'Dazhou Investment Map', short: 'Dazhou' }, titleTag: 'p', user: null, signIn: true,
      otherLangHref: lang === 'en' ? '/parks/6' : '/parks/6?lang=en', langInLinks: true,
    });
    return document.querySelector<HTMLElement>('#top-bar')!;
  };

  it('takes the header over as drawn, in the page\'s language, and redraws it for a signed-in user', () => {
    const header = serverHeader('en');
    const drawn = header.innerHTML;
    const shell = new PageShell({ page: 'portal', element: header });
    expect(shell.element).toBe(header);
    expect(getLang()).toBe('en');
    shell.setUser(null);
    expect(header.innerHTML).toBe(drawn);
    shell.setUser(user('officer'));
    expect(header.querySelector('#user-role')!.textContent).toBe('Officer');
    expect(header.querySelector('#nav-inbox')!.getAttribute('href')).toBe('/enquiries.html?lang=en');
    // The language link still leads to the server's page in the other language; the title stays the server's.
    expect(header.querySelector('#lang-toggle')!.getAttribute('href')).toBe('/parks/6');
    expect(header.querySelector('p.brand-title .brand-short')!.textContent).toBe('Dazhou');
    expect(header.querySelector('h1')).toBeNull();
  });
});
