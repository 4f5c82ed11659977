import { describe, expect, it } from 'vitest';
import { codedIssue, importLang, issueCode, localizeIssue, localizeMessage, messageCatalog } from './messages.ts';
import { planFiles } from './file-plan.ts';

describe('import messages', () => {
  it('picks the language from lang, then Accept-Language, else Chinese', () => {
    expect(importLang('en', 'zh-CN')).toBe('en');
    expect(importLang('zh-CN', 'en-US')).toBe('zh');
    expect(importLang(undefined, 'en-US,en;q=0.9')).toBe('en');
    expect(importLang(undefined, 'zh-CN,zh;q=0.9,en;q=0.8')).toBe('zh');
    expect(importLang(undefined, '*')).toBe('zh');
    expect(importLang('fr', undefined)).toBe('zh');
  });

  it('words a coded issue from its template in either language; the code and English original stay', () => {
    const i = codedIssue('outside_service_area', { feature: 'DK-7', km: 11812.4, bufferKm: 5 }, { file: 'a.geojson', index: 3, severity: 'error' });
    expect(i.message).toBe("DK-7 lies 11812.4 km outside the service area (Dazhou's county-level units + 5 km)");
    const zh = localizeIssue(i, 'zh');
    expect(zh).toMatchObject({ code: 'outside_service_area', message: 'DK-7 位于服务范围（达州市各县市区 + 5 公里）之外 11812.4 公里，已拒绝', message_en: i.message });
    expect(localizeIssue(i, 'en').message).toBe(i.message);
  });

  it('gives reader messages a code and a Chinese wording, keeping positions and values', () => {
    const m = { message: 'trkpt 1 of track 1: lat "y" is not a number' };
    expect(issueCode(m)).toBe('not_a_number');
    expect(localizeIssue(m, 'zh').message).toBe('trkpt 1 of track 1: lat "y" 不是数字');
    expect(localizeIssue({ message: 'row 17: longitude 1071.5 is outside -180..180' }, 'zh')).toMatchObject({ code: 'longitude_out_of_range', message: '第 17 行: 经度 1071.5 超出 -180..180' });
    expect(localizeIssue({ message: 'track 1: has 0 usable points; a line needs at least 2' }, 'zh')).toMatchObject({ code: 'line_too_short', message: 'track 1: 只有 0 个可用点；线至少需要 2 个点' });
    expect(issueCode({ message: 'something new' })).toBe('read_issue');
  });
});

describe('message catalog', () => {
  const HAN = /[\u4e00-\u9fff]/;
  const placeholders = (t: string) => [...t.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
  const { templates, phrases } = messageCatalog();

  it.each(Object.entries(templates))('template %s has Chinese and English wording with the same placeholders', (_code, t) => {
    expect(t.zh).toMatch(HAN);
    expect(t.en.trim().length).toBeGreaterThan(0);
    expect(t.en).toMatch(/[a-z]/);
    expect(placeholders(t.zh)).toEqual(placeholders(t.en));
  });

  it.each(phrases.filter((p) => p.code).map((p) => [p.code!, p] as const))('English message with code %s has an example that gets the code and a Chinese wording', (code, p) => {
    expect(p.example, `example of ${code}`).toBeTruthy();
    expect(issueCode({ message: p.example! })).toBe(code);
    const zh = localizeMessage(p.example!, 'zh');
    expect(zh).not.toBe(p.example);
    expect(zh).toMatch(HAN);
    expect(localizeMessage(p.example!, 'en')).toBe(p.example);
  });

  it('words the zip, limit and XML-entity refusals in Chinese, keeping file names, entries and numbers', () => {
    expect(localizeMessage('parcels.zip: entry "../evil.shp" escapes the archive with ".." (zip slip)', 'zh'))
      .toBe('parcels.zip: 压缩包条目“../evil.shp”用“..”跳出了压缩包目录（zip slip），已拒绝');
    expect(localizeMessage('a.zip: entry "big.json" has a compression ratio above 200:1 (zip bomb?)', 'zh')).toBe('a.zip: 压缩包条目“big.json”的压缩比超过 200:1（疑似 zip 炸弹），已拒绝');
    expect(localizeMessage('b.kml: declares the XML entity "xxe" in a DOCTYPE; entity declarations are not accepted (XXE, entity expansion)', 'zh'))
      .toBe('b.kml: 在 DOCTYPE 中声明了 XML 实体“xxe”；出于安全原因不接受实体声明（XXE、实体膨胀）');
    expect(localizeMessage('c.geojson: feature 3: field "geometry" has more than 1,000,000 vertices, the limit per feature', 'zh'))
      .toBe('c.geojson: 第 3 个要素: 字段“geometry”的顶点超过 1,000,000 个（每个要素的上限）');
    expect(localizeMessage('file "d.zip" exceeds the limit of 1048576 bytes', 'zh')).toBe('文件“d.zip”超过大小上限 1048576 字节');
  });

  it('words every problem of a refused field mapping, naming field and value', () => {
    const en = 'mapping: field "XMMC" is not a field of batch 7 (GDRL, LXR); field "GDRL": "power" is not an attribute of layer land; use one of code, power_kva';
    expect(issueCode({ message: en })).toBe('bad_mapping');
    expect(localizeMessage(en, 'zh')).toBe('字段对应关系：字段“XMMC”不是批次 7 中未对应的字段（可对应：GDRL, LXR）; 字段“GDRL”：“power”不是图层 land 的属性；可用：code, power_kva');
  });
});

describe('file plan', () => {
  const f = (...names: string[]) => names.map((name) => ({ name }));
  it('lists the .srt of a photo upload and the photos of a vector upload as not imported, with codes', () => {
    const photos = planFiles('photos', f('a.jpg', 'flight.SRT', 'b.geojson'));
    expect(photos.read.map((x) => x.name)).toEqual(['a.jpg']);
    expect(photos.notImported.map((i) => [i.file, i.code])).toEqual([['flight.SRT', 'not_imported_telemetry'], ['b.geojson', 'not_imported_vector_in_photos']]);
    const tracks = planFiles('tracks', f('flight.srt', 'a.jpg', 'p.shp', 'p.sbn', 'p.shp.xml'));
    expect(tracks.read.map((x) => x.name)).toEqual(['flight.srt', 'p.shp']);
    expect(tracks.notImported.map((i) => [i.file, i.code])).toEqual([['a.jpg', 'not_imported_photo'], ['p.sbn', 'not_imported_sidecar'], ['p.shp.xml', 'not_imported_sidecar']]);
  });
});
