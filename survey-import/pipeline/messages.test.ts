import { describe, expect, it } from 'vitest';
import { codedIssue, importLang, issueCode, localizeIssue } from './messages.ts';
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
