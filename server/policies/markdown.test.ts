import { describe, expect, it } from 'vitest';
import { markdownText, renderMarkdown } from './markdown.ts';

describe('policy Markdown', () => {
  it('renders headings, paragraphs, lists, quotes, bold, italic, links and site images', () => {
    const md = '# 土地政策\n\n工业用地**按出让底价**执行，*分期*缴纳。\n第二行\n\n- 一\n- 二\n\n1. 甲\n2. 乙\n\n> 注：以正式文件为准\n\n[详见](https://www.dazhou.gov.cn/zc?id=1&x=2) · [电话](tel:0818-1234567) · [园区](/parks/3)\n\n![园区](/parks/3/cover.png)';
    expect(renderMarkdown(md)).toBe([
      '<h3>土地政策</h3>',
      '<p>工业用地<strong>按出让底价</strong>执行，<em>分期</em>缴纳。<br>第二行</p>',
      '<ul><li>一</li><li>二</li></ul>',
      '<ol><li>甲</li><li>乙</li></ol>',
      '<blockquote><p>注：以正式文件为准</p></blockquote>',
      '<p><a href="https://www.dazhou.gov.cn/zc?id=1&amp;x=2" rel="noopener nofollow" target="_blank">详见</a> · <a href="tel:0818-1234567">电话</a> · <a href="/parks/3">园区</a></p>',
      '<p><img src="/parks/3/cover.png" alt="园区" loading="lazy"></p>',
    ].join('\n'));
  });

  it('shows raw HTML as text: script, img onerror, iframe, style', () => {
    expect(renderMarkdown('<script>alert(1)</script>')).toBe('<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>');
    expect(renderMarkdown('<img src=x onerror=alert(1)>')).toBe('<p>&lt;img src=x onerror=alert(1)&gt;</p>');
    expect(renderMarkdown('**<iframe src="//evil">**')).toBe('<p><strong>&lt;iframe src=&quot;//evil&quot;&gt;</strong></p>');
    expect(renderMarkdown('# <style>body{display:none}</style>')).toBe('<h3>&lt;style&gt;body{display:none}&lt;/style&gt;</h3>');
  });

  it('keeps dangerous link and image targets as literal text', () => {
    for (const url of ['javascript:alert(1)', 'JavaScript:alert(1)', 'data:text/html;base64,PHNjcmlwdD4=', 'vbscript:x', '//evil.example/x', '/\\evil.example']) {
      const html = renderMarkdown(`[点我](${url})`);
      expect(html, url).not.toContain('<a');
      expect(html, url).not.toContain('href');
    }
    // Images only from this site: no tracking pixels, no network for the reader.
    expect(renderMarkdown('![x](https://tracker.example/p.gif)')).not.toContain('<img');
    expect(renderMarkdown('![x](javascript:alert(1))')).not.toContain('<img');
  });

  it('cannot break out of an attribute', () => {
    const html = renderMarkdown('[x](/a"onmouseover="alert(1))');
    expect(html).not.toMatch(/<a [^>]*onmouseover/);
    const img = renderMarkdown('![a" onerror="alert(1)](/p.png)');
    expect(img).toBe('<p><img src="/p.png" alt="a&quot; onerror=&quot;alert(1)" loading="lazy"></p>');
  });

  it('gives plain text for excerpts', () => {
    expect(markdownText('# 标题\n\n**免租** [三年](/x) ![图](/y.png)\n- 项')).toBe('免租 三年 项');
    expect(markdownText('a'.repeat(200), 10)).toBe('aaaaaaaaa…');
  });
});
