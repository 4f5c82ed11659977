import { describe, expect, it } from 'vitest';
import { s, validate } from './schema.ts';

const QUERY = s.object({
  limit: s.integer({ minimum: 1, maximum: 200, default: 50 }),
  capped: s.integer({ minimum: 1, maximum: 100, 'x-capped': true }),
  ids: s.array(s.integer({ minimum: 1 }), { maxItems: 3 }),
  kind: s.enum(['land', 'offices']),
  gas: s.boolean(),
});

const BODY = s.object({
  title: s.string({ minLength: 1, maxLength: 5 }),
  items: s.array(s.oneOf(s.integer({ minimum: 1 }), s.object({ carrierId: s.integer({ minimum: 1 }), note: s.nullable(s.string()) }, { required: ['carrierId'] }))),
  at: s.string({ format: 'date-time' }),
}, { required: ['title'] });

/** The message of the 400 `fn` throws. */
function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect((err as { status: number }).status).toBe(400);
    return (err as Error).message;
  }
  throw new Error('expected a 400');
}

describe('query validation', () => {
  it('coerces strings to the declared types and fills defaults', () => {
    expect(validate(QUERY, { ids: '1,2', kind: 'land', gas: 'true' }, 'query')).toEqual({ ids: [1, 2], kind: 'land', gas: true, limit: 50 });
    expect(validate(QUERY, { ids: ['1', '2,3'] }, 'query')).toEqual({ ids: [1, 2, 3], limit: 50 });
  });

  it('caps an x-capped integer at its maximum instead of refusing it', () => {
    expect(validate(QUERY, { capped: '1000' }, 'query').capped).toBe(100);
    expect(refusal(() => validate(QUERY, { capped: '0' }, 'query'))).toBe('parameter "capped" must be within 1..100, got "0"');
  });

  it.each([
    [{ limit: '0' }, 'parameter "limit" must be within 1..200, got "0"'],
    [{ limit: '2.5' }, 'parameter "limit" must be an integer, got "2.5"'],
    [{ limit: ['1', '2'] }, 'parameter "limit" must be given once, got ["1","2"]'],
    [{ kind: 'parks' }, 'parameter "kind" must be one of land, offices, got "parks"'],
    [{ gas: 'yes' }, 'parameter "gas" must be true or false, got "yes"'],
    [{ ids: '1,x' }, 'parameter "ids[1]" must be an integer, got "x"'],
    [{ ids: '1,2,3,4' }, 'parameter "ids" must have at most 3 items, got "1,2,3,4"'],
    [{ colour: 'red' }, 'parameter "colour" is not known (known: limit, capped, ids, kind, gas), got "red"'],
  ])('refuses %j naming the parameter and the value', (query, message) => {
    expect(refusal(() => validate(QUERY, query, 'query'))).toBe(message);
  });
});

describe('body validation', () => {
  it('passes a valid body through as sent', () => {
    const body = { title: 'a', items: [3, { carrierId: 4, note: null }], at: '2025-05-01T10:00:00+08:00' };
    expect(validate(BODY, body, 'body')).toEqual(body);
  });

  it.each([
    [{}, 'field "title" is required, got null'],
    [{ title: '' }, 'field "title" must not be empty, got ""'],
    [{ title: '123456' }, 'field "title" must have at most 5 characters, got "123456"'],
    [{ title: 'a', items: [{ carrierId: 'x' }] }, 'field "items[0].carrierId" must be an integer, got "x"'],
    [{ title: 'a', items: [0] }, 'field "items[0]" must be at least 1, got 0'],
    [{ title: 'a', at: '2025-02-30T00:00:00Z' }, 'field "at" must be an RFC 3339 date-time, got "2025-02-30T00:00:00Z"'],
    [{ title: 'a', extra: 1 }, 'field "extra" is not known (known: title, items, at), got 1'],
    [[1], 'request body must be a JSON object, got [1]'],
  ])('refuses %j naming the field and the value', (body, message) => {
    expect(refusal(() => validate(BODY, body, 'body'))).toBe(message);
  });

  it('names a body that is wrong as a whole by the schema title', () => {
    expect(refusal(() => validate({ type: 'object', title: 'brief' }, [1, 2], 'body'))).toBe('brief must be a JSON object, got [1,2]');
  });
});

describe('messages in the caller\'s language', () => {
  it('names the field and the value in Chinese', () => {
    expect(refusal(() => validate(BODY, { title: '123456' }, 'body', 'zh'))).toBe('字段 "title" 不能超过 5 个字符，收到 "123456"');
    expect(refusal(() => validate(QUERY, { limit: '0' }, 'query', 'zh'))).toBe('参数 "limit" 必须在 1..200 之间，收到 "0"');
    expect(refusal(() => validate(QUERY, { kind: 'parks' }, 'query', 'zh'))).toBe('参数 "kind" 必须是 land、offices 之一，收到 "parks"');
    expect(refusal(() => validate(BODY, [1], 'body', 'zh'))).toBe('请求体必须是JSON 对象，收到 [1]');
  });

  it('picks the language from ?lang=, else Accept-Language, else the fallback', async () => {
    const { requestLang } = await import('./schema.ts');
    expect(requestLang('en', 'zh-CN,zh;q=0.9')).toBe('en');
    expect(requestLang(undefined, 'zh-CN,zh;q=0.9,en;q=0.8')).toBe('zh');
    expect(requestLang(undefined, 'fr-FR, en;q=0.5')).toBe('en');
    expect(requestLang(undefined, '*')).toBe('en');
    expect(requestLang(undefined, undefined, 'zh')).toBe('zh');
  });
});
