import { describe, expect, it } from 'vitest';
import { escapeHtml, hrefInLang, languageLinkHtml, navLinksFor, pageHeaderHtml, roleText, type PageHeaderInput } from './page-header.ts';

const portal = (over: Partial<PageHeaderInput> = {}): PageHeaderInput => ({
  lang: 'zh', page: 'portal', title: { long: '达州投资地图', short: '达州投资' }, titleTag: 'p', user: null, signIn: true,
  otherLangHref: '/parks/6?lang=en', langInLinks: true, ...over,
});
/** The hrefs of the header's links, by id (the brand mark as `brand`). */
const hrefs = (html: string) => Object.fromEntries([...html.matchAll(/<a (?:id="([^"]+)" )?class="([^"]+)" href="([^"]*)"/g)]
  .map(([, id, cls, href]) => [id ?? cls, href]));

describe('page header markup', () => {
  it('draws the portal header in Chinese: brand, public links, language link to the English page, sign-in', () => {
    const html = pageHeaderHtml(portal());
    expect(html).toMatch(/^<header id="top-bar" class="top-bar" data-page="portal" data-lang="zh">/);
    expect(hrefs(html)).toEqual({
      'brand-mark': '/', 'nav-map': '/map.html', 'nav-find': '/find.html', 'nav-tours': '/tour.html',
      'lang-toggle': '/parks/6?lang=en', 'sign-in': '/map.html#sign-in',
    });
    expect(html).toContain('<p class="brand-title" title="达州投资地图"><span class="brand-long">达州投资地图</span><span class="brand-short">达州投资</span></p>');
    expect(html).toContain('>招商地图</a>');
    expect(html).toContain('<span class="on">中</span><span>EN</span>');
    expect(html).toContain('hreflang="en"');
    expect(html).toContain('>登录</a>');
    expect(html).not.toContain('nav-upload');
  });

  it('in English every link carries the language (server-rendered pages), the sign-in link before its #', () => {
    const html = pageHeaderHtml(portal({ lang: 'en', title: { long: 'Dazhou Investment Map' }, otherLangHref: '/' }));
    expect(hrefs(html)).toEqual({
      'brand-mark': '/?lang=en', 'nav-map': '/map.html?lang=en', 'nav-find': '/find.html?lang=en', 'nav-tours': '/tour.html?lang=en',
      'lang-toggle': '/', 'sign-in': '/map.html?lang=en#sign-in',
    });
    expect(html).toContain('<span>中</span><span class="on">EN</span>');
    expect(html).toContain('>Investment map</a>');
    expect(html).toContain('<span class="brand-short">Dazhou Investment Map</span>');
  });

  it('shows a signed-in user with role and sign-out, the links of the role, everything escaped', () => {
    const html = pageHeaderHtml(portal({
      page: 'map', titleTag: 'h1', langInLinks: false, lang: 'en', title: { long: '<b>&"' },
      user: { username: 'o"1', displayName: '<script>', role: 'officer' },
    }));
    expect(Object.keys(hrefs(html))).toEqual(['brand-mark', 'nav-find', 'nav-tours', 'nav-select', 'nav-inbox', 'nav-stats', 'lang-toggle']);
    expect(hrefs(html)['nav-select']).toBe('/select.html');
    expect(html).toContain('<h1 class="brand-title" title="&lt;b&gt;&amp;&quot;">');
    expect(html).toContain('<span class="user-name" title="o&quot;1">&lt;script&gt;</span>');
    expect(html).toContain('<span class="user-role" id="user-role" data-role="officer">Officer</span>');
    expect(html).toContain('<button id="sign-out" class="text-button" type="button">Sign out</button>');
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('id="sign-in"');
  });

  it('leaves sign-in out where the page has its own form', () => {
    expect(pageHeaderHtml(portal({ page: 'inbox', signIn: false }))).not.toContain('sign-in');
  });
});

describe('header helpers', () => {
  it('gives each role the pages it may use, never the page it is on', () => {
    expect(navLinksFor('portal', null).map((l) => l.id)).toEqual(['nav-map', 'nav-find', 'nav-tours']);
    expect(navLinksFor('map', { role: 'staff' }).map((l) => l.id)).toEqual(['nav-find', 'nav-tours', 'nav-upload', 'nav-policies', 'nav-stats']);
  });

  it('puts the language into links, escapes text, names roles', () => {
    expect(hrefInLang('/parks/6', 'zh')).toBe('/parks/6');
    expect(hrefInLang('/tour.html?id=2', 'en')).toBe('/tour.html?id=2&lang=en');
    expect(hrefInLang('/#policies', 'en')).toBe('/?lang=en#policies');
    expect(escapeHtml(`<a href="x">'&`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;');
    expect(roleText('reviewer', 'zh')).toBe('校核员');
    expect(roleText('auditor', 'en')).toBe('auditor');
    expect(languageLinkHtml('en', '/?q=a&b')).toContain('href="/?q=a&amp;b" hreflang="zh-CN" lang="zh-CN" title="切换到中文"');
  });
});
