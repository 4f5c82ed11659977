import { describe, expect, it } from 'vitest';
import { findLayer } from '../../layers/catalog.ts';
import { BadParameterError } from '../../core/errors.ts';
import { allOf, cql2ToSql, Cql2Error, parseCql2, propertyEquals, queryables } from './cql2.ts';

const land = findLayer('land')!;
const amenities = findLayer('amenities')!;
const compile = (text: string, layer = land, first = 1) => cql2ToSql(parseCql2(text, layer), first);

describe('cql2ToSql compiles filters to SQL with escaped columns and $n values', () => {
  it.each([
    ["status = 'available'", '(t."status" = $1::text)', ['available']],
    ["county = '511702'", '(t."county_adcode" = $1::text)', ['511702']],
    ['area_m2 >= 20000', '(t."area_m2"::float8 >= $1::float8)', [20000]],
    ['20000 < area_m2', '(t."area_m2"::float8 > $1::float8)', [20000]],
    ['price <> -1.5e3', '(t."price"::float8 <> $1::float8)', [-1500]],
    ["status = 'available' AND area_m2 > 1", '((t."status" = $1::text) AND (t."area_m2"::float8 > $2::float8))', ['available', 1]],
    ["status = 'a' OR status = 'b' AND county = 'c'",
      '((t."status" = $1::text) OR ((t."status" = $2::text) AND (t."county_adcode" = $3::text)))', ['a', 'b', 'c']],
    ["(status = 'a' OR status = 'b') AND county = 'c'",
      '(((t."status" = $1::text) OR (t."status" = $2::text)) AND (t."county_adcode" = $3::text))', ['a', 'b', 'c']],
    ["NOT status = 'occupied'", '(NOT (t."status" = $1::text))', ['occupied']],
    ["status IN ('available', 'reserved')", '(t."status" = ANY($1::text[]))', [['available', 'reserved']]],
    ["status NOT IN ('occupied')", '(NOT t."status" = ANY($1::text[]))', [['occupied']]],
    ['price IS NULL', '(t."price" IS NULL)', []],
    ['price IS NOT NULL', '(t."price" IS NOT NULL)', []],
    ['allowed_industries IS NOT NULL', '(t."allowed_industries" IS NOT NULL)', []],
    ["name LIKE '%达州%'", '(t."name" LIKE $1::text)', ['%达州%']],
    ["code NOT LIKE 'L\\_%'", '(t."code" NOT LIKE $1::text)', ['L\\_%']],
    ["name = 'O''Brien'", '(t."name" = $1::text)', ["O'Brien"]],
    ['"status" = \'available\'', '(t."status" = $1::text)', ['available']],
    ['gas = TRUE', '(t."gas" = $1::boolean)', [true]],
    ["available_from <= DATE('2025-06-30')", '(t."available_from" <= $1::date)', ['2025-06-30']],
    ["available_from > '2025-01-01'", '(t."available_from" > $1::date)', ['2025-01-01']],
    ["status = 'available' and not (county = '511702' or county = '511703')",
      '((t."status" = $1::text) AND (NOT ((t."county_adcode" = $2::text) OR (t."county_adcode" = $3::text))))', ['available', '511702', '511703']],
  ])('%s', (text, sql, params) => {
    expect(compile(text)).toEqual({ sql, params });
  });

  it('numbers parameters from the position it is given', () => {
    expect(compile("kind = 'school' AND county = '511702'", amenities, 8)).toEqual({
      sql: '((t."kind" = $8::text) AND (t."county_adcode" = $9::text))', params: ['school', '511702'],
    });
  });

  it('renders no filter as TRUE', () => {
    expect(cql2ToSql(null, 1)).toEqual({ sql: 'TRUE', params: [] });
  });

  it('never puts a literal into the SQL text', () => {
    const { sql } = compile("name = 'x''); DROP TABLE carriers; --'");
    expect(sql).toBe('(t."name" = $1::text)');
  });
});

describe('parseCql2 rejects bad filters and says where', () => {
  it.each([
    ["volcano = 'x'", 1, /unknown property "volcano" of layer "land"/],
    ["status = 'a' AND colour = 'red'", 18, /unknown property "colour"/],
    ['county_adcode = \'511702\'', 1, /unknown property "county_adcode"/],
    ["status = 'available", 10, /unterminated string/],
    ["status == 'a'", 9, /syntax error: expected a property or a literal, found "="/],
    ["status 'a'", 8, /expected a comparison operator, LIKE, IN or IS after "status"/],
    ["(status = 'a'", 14, /expected "\)", found the end of the filter/],
    ["status = 'a')", 13, /expected AND, OR or the end/],
    ["status = 'a' AND", 17, /expected a property or a literal, found the end/],
    ['area_m2 > \'big\'', 11, /compares number property "area_m2" with a string literal "big"/],
    ['status = 5', 10, /compares enum property "status" with a number literal 5/],
    ["allowed_industries = 'x'", 22, /list property "allowed_industries"/],
    ["area_m2 LIKE '1%'", 1, /LIKE to number property "area_m2"/],
    ["status IN ('a' 'b')", 16, /"," or "\)" in the IN list/],
    ['price IS 5', 10, /expected NULL after IS/],
    ["1 = 2", 3, /one property and one literal/],
    ["available_from = DATE('2025-02-30')", 23, /invalid date "2025-02-30"/],
    ['status = @', 10, /unexpected character "@"/],
    ['   ', 1, /is empty/],
  ])('%s → position %i', (text, position, why) => {
    let err: unknown;
    try {
      parseCql2(text, land);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(Cql2Error);
    expect((err as Cql2Error).position).toBe(position);
    expect((err as Cql2Error).message).toMatch(why);
    expect((err as Cql2Error).message).toContain('parameter "filter"');
    expect((err as Cql2Error).status).toBe(400);
  });

  it('refuses absurdly deep nesting', () => {
    expect(() => parseCql2(`${'('.repeat(100)}status = 'a'${')'.repeat(100)}`, land)).toThrow(/nests deeper/);
  });
});

describe('propertyEquals turns ?attribute=value into a typed equality', () => {
  const q = queryables(land);
  it.each([
    ['status', 'available', { sql: '(t."status" = $1::text)', params: ['available'] }],
    ['area_m2', '1200.5', { sql: '(t."area_m2"::float8 = $1::float8)', params: [1200.5] }],
    ['gas', 'true', { sql: '(t."gas" = $1::boolean)', params: [true] }],
  ])('%s=%s', (name, raw, expected) => {
    expect(cql2ToSql(propertyEquals(q.get(name)!, raw), 1)).toEqual(expected);
  });

  it.each([['area_m2', 'big'], ['gas', 'yes'], ['available_from', '2025-13-01'], ['allowed_industries', 'x']])('rejects %s=%s naming it', (name, raw) => {
    expect(() => propertyEquals(q.get(name)!, raw)).toThrow(BadParameterError);
    expect(() => propertyEquals(q.get(name)!, raw)).toThrow(`"${name}"`);
  });

  it('ANDs several filters', () => {
    const e = allOf([propertyEquals(q.get('status')!, 'available'), null, parseCql2('area_m2 > 5', land)]);
    expect(cql2ToSql(e, 3).sql).toBe('((t."status" = $3::text) AND (t."area_m2"::float8 > $4::float8))');
  });
});
