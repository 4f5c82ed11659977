/**
 * CQL2-text filters (OGC API – Features Part 3, "basic CQL2" subset) compiled to SQL, in one
 * module, the way pg_tileserv's `cql/cql.go` does it: a small tokenizer, a recursive-descent
 * parser that checks every property against the layer definition, and a renderer that emits a SQL
 * fragment whose identifiers are escaped with `pg.escapeIdentifier` and whose values are all `$n`
 * parameters.
 *
 * Supported, case-insensitive keywords:
 *
 * | construct | example |
 * |---|---|
 * | comparison `= <> < <= > >=` between a property and a literal (either side) | `area_m2 >= 20000` |
 * | `AND`, `OR`, `NOT`, parentheses | `NOT (status = 'occupied' OR county = '511702')` |
 * | `[NOT] IN (literal, …)` | `kind IN ('school', 'hospital')` |
 * | `IS [NOT] NULL` | `price IS NOT NULL` |
 * | `[NOT] LIKE 'pattern'` (`%` any run, `_` one character, `\` escapes) | `name LIKE '%达州%'` |
 * | literals: `'text'` (`''` for a quote), numbers, `TRUE`/`FALSE`, `DATE('2025-01-31')` | |
 * | properties: the layer's attribute API names (`county`, not `county_adcode`), `name`; `"quoted"` too | |
 *
 * Literals are typed against the property: a number property takes number literals, a string or
 * enum property string literals, a date property `DATE('…')` or a `'YYYY-MM-DD'` string, a boolean
 * property `TRUE`/`FALSE`. List properties (`string[]`) support `IS [NOT] NULL` only.
 */
import pg from 'pg';
import type { AttributeType, LayerDefinition } from '../../layers/definition.ts';
import { AppError, BadParameterError } from '../../core/errors.ts';

/** Longest filter text accepted, in characters. */
export const CQL2_MAX_LENGTH = 8000;
/** Deepest nesting of parentheses / NOT accepted. */
const MAX_DEPTH = 64;

/** A property a filter may name: its API name, the table column and the value type. */
export interface Queryable {
  name: string;
  column: string;
  type: AttributeType;
}

/** A typed literal value. */
export type Cql2Literal =
  | { type: 'string'; value: string }
  | { type: 'number'; value: number }
  | { type: 'boolean'; value: boolean }
  | { type: 'date'; value: string };

/** Comparison operators. */
export type Cql2Comparison = '=' | '<>' | '<' | '<=' | '>' | '>=';

/** A parsed filter, with properties already resolved against the layer. */
export type Cql2Expr =
  | { op: 'and' | 'or'; args: Cql2Expr[] }
  | { op: 'not'; arg: Cql2Expr }
  | { op: 'cmp'; cmp: Cql2Comparison; prop: Queryable; value: Cql2Literal }
  | { op: 'in'; prop: Queryable; values: Cql2Literal[]; negated: boolean }
  | { op: 'isNull'; prop: Queryable; negated: boolean }
  | { op: 'like'; prop: Queryable; pattern: string; negated: boolean };

/** 400 for a filter that cannot be parsed or names something unknown; says where (1-based). */
export class Cql2Error extends AppError {
  constructor(readonly text: string, readonly position: number, reason: string) {
    super('bad_request', `parameter "filter" ${reason} at position ${position}, got ${JSON.stringify(text)}`, {
      parameter: 'filter', value: text, position,
    });
  }
}

/** The properties of `layer` a filter may name: `name` plus every declared attribute. */
export function queryables(layer: LayerDefinition): Map<string, Queryable> {
  const out = new Map<string, Queryable>([['name', { name: 'name', column: layer.nameColumn, type: 'string' }]]);
  for (const a of layer.attributes) out.set(a.name, { name: a.name, column: a.column ?? a.name, type: a.type });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Tokenizer

type TokenKind = 'ident' | 'qident' | 'string' | 'number' | 'op' | '(' | ')' | ',' | 'end';
interface Token {
  kind: TokenKind;
  text: string;
  /** 1-based character position in the filter text. */
  pos: number;
}

const OPERATORS = ['<=', '>=', '<>', '=', '<', '>'];

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(' || c === ')' || c === ',') {
      tokens.push({ kind: c, text: c, pos: i + 1 });
      i++;
    } else if (c === "'") {
      const start = i;
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) throw new Cql2Error(text, start + 1, 'has an unterminated string');
        if (text[i] === "'") {
          if (text[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += text[i++];
      }
      tokens.push({ kind: 'string', text: value, pos: start + 1 });
    } else if (c === '"') {
      const end = text.indexOf('"', i + 1);
      if (end < 0) throw new Cql2Error(text, i + 1, 'has an unterminated quoted property name');
      tokens.push({ kind: 'qident', text: text.slice(i + 1, end), pos: i + 1 });
      i = end + 1;
    } else if (/[0-9.]/.test(c) || ((c === '-' || c === '+') && /[0-9.]/.test(text[i + 1] ?? ''))) {
      const m = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?/.exec(text.slice(i));
      if (!m) throw new Cql2Error(text, i + 1, `has a malformed number`);
      tokens.push({ kind: 'number', text: m[0], pos: i + 1 });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i))!;
      tokens.push({ kind: 'ident', text: m[0], pos: i + 1 });
      i += m[0].length;
    } else {
      const op = OPERATORS.find((o) => text.startsWith(o, i));
      if (!op) throw new Cql2Error(text, i + 1, `has an unexpected character ${JSON.stringify(c)}`);
      tokens.push({ kind: 'op', text: op, pos: i + 1 });
      i += op.length;
    }
  }
  tokens.push({ kind: 'end', text: 'end of filter', pos: text.length + 1 });
  return tokens;
}

// ---------------------------------------------------------------------------------------------
// Parser

const KEYWORDS = new Set(['AND', 'OR', 'NOT', 'IN', 'IS', 'NULL', 'LIKE', 'TRUE', 'FALSE', 'DATE']);
const FLIP: Record<Cql2Comparison, Cql2Comparison> = { '=': '=', '<>': '<>', '<': '>', '<=': '>=', '>': '<', '>=': '<=' };
const NUMERIC: readonly AttributeType[] = ['integer', 'number'];
const TEXTUAL: readonly AttributeType[] = ['string', 'enum'];

type Operand = { kind: 'prop'; prop: Queryable; pos: number } | { kind: 'literal'; value: Cql2Literal; pos: number };

class Parser {
  private i = 0;
  private depth = 0;
  private readonly tokens: Token[];

  constructor(
    private readonly text: string,
    private readonly layer: LayerDefinition,
    private readonly props: Map<string, Queryable>,
  ) {
    this.tokens = tokenize(text);
  }

  parse(): Cql2Expr {
    const expr = this.or();
    const t = this.peek();
    if (t.kind !== 'end') throw this.error(t, `expected AND, OR or the end of the filter, found ${show(t)}`);
    return expr;
  }

  private peek(): Token {
    return this.tokens[this.i];
  }

  private next(): Token {
    return this.tokens[this.i++];
  }

  private isKeyword(t: Token, word: string): boolean {
    return t.kind === 'ident' && t.text.toUpperCase() === word;
  }

  private acceptKeyword(word: string): boolean {
    if (this.isKeyword(this.peek(), word)) {
      this.i++;
      return true;
    }
    return false;
  }

  private expect(kind: TokenKind, what: string): Token {
    const t = this.next();
    if (t.kind !== kind) throw this.error(t, `expected ${what}, found ${show(t)}`);
    return t;
  }

  private error(t: Token, reason: string): Cql2Error {
    return new Cql2Error(this.text, t.pos, `has a syntax error: ${reason}`);
  }

  private or(): Cql2Expr {
    const args = [this.and()];
    while (this.acceptKeyword('OR')) args.push(this.and());
    return args.length === 1 ? args[0] : { op: 'or', args };
  }

  private and(): Cql2Expr {
    const args = [this.not()];
    while (this.acceptKeyword('AND')) args.push(this.not());
    return args.length === 1 ? args[0] : { op: 'and', args };
  }

  private not(): Cql2Expr {
    const t = this.peek();
    if (++this.depth > MAX_DEPTH) throw new Cql2Error(this.text, t.pos, `nests deeper than ${MAX_DEPTH} levels`);
    try {
      if (this.acceptKeyword('NOT')) return { op: 'not', arg: this.not() };
      if (t.kind === '(') {
        this.i++;
        const inner = this.or();
        this.expect(')', '")"');
        return inner;
      }
      return this.predicate();
    } finally {
      this.depth--;
    }
  }

  private predicate(): Cql2Expr {
    const left = this.operand();
    const t = this.peek();
    if (t.kind === 'op') {
      this.i++;
      const right = this.operand();
      if (left.kind === 'prop' && right.kind === 'literal') return this.comparison(left, t.text as Cql2Comparison, right);
      if (left.kind === 'literal' && right.kind === 'prop') return this.comparison(right, FLIP[t.text as Cql2Comparison], left);
      throw this.error(t, `a comparison needs one property and one literal around "${t.text}"`);
    }
    const negated = this.acceptKeyword('NOT');
    const k = this.peek();
    if (this.isKeyword(k, 'LIKE') || this.isKeyword(k, 'IN') || (this.isKeyword(k, 'IS') && !negated)) {
      if (left.kind !== 'prop') throw this.error(k, `${k.text.toUpperCase()} needs a property on its left`);
      this.i++;
      const word = k.text.toUpperCase();
      if (word === 'LIKE') return this.like(left, negated);
      if (word === 'IN') return this.in(left, negated);
      const isNot = this.acceptKeyword('NOT');
      const n = this.next();
      if (!this.isKeyword(n, 'NULL')) throw this.error(n, `expected NULL after IS${isNot ? ' NOT' : ''}, found ${show(n)}`);
      return { op: 'isNull', prop: left.prop, negated: isNot };
    }
    throw this.error(k, `expected a comparison operator, LIKE, IN or IS after ${left.kind === 'prop' ? `"${left.prop.name}"` : 'the literal'}, found ${show(k)}`);
  }

  private operand(): Operand {
    const t = this.peek();
    if (t.kind === 'qident' || (t.kind === 'ident' && !KEYWORDS.has(t.text.toUpperCase()))) {
      this.i++;
      const prop = this.props.get(t.text);
      if (!prop) {
        throw new Cql2Error(this.text, t.pos,
          `names unknown property "${t.text}" of layer "${this.layer.id}" (queryable: ${[...this.props.keys()].join(', ')})`);
      }
      return { kind: 'prop', prop, pos: t.pos };
    }
    return { kind: 'literal', value: this.literal(), pos: t.pos };
  }

  private literal(): Cql2Literal {
    const t = this.next();
    if (t.kind === 'string') return { type: 'string', value: t.text };
    if (t.kind === 'number') {
      const value = Number(t.text);
      if (!Number.isFinite(value)) throw this.error(t, `number ${t.text} is out of range`);
      return { type: 'number', value };
    }
    if (this.isKeyword(t, 'TRUE') || this.isKeyword(t, 'FALSE')) return { type: 'boolean', value: t.text.toUpperCase() === 'TRUE' };
    if (this.isKeyword(t, 'DATE')) {
      this.expect('(', '"(" after DATE');
      const s = this.expect('string', "a quoted date such as '2025-01-31'");
      if (!isDate(s.text)) throw new Cql2Error(this.text, s.pos, `has an invalid date ${JSON.stringify(s.text)} (expected YYYY-MM-DD)`);
      this.expect(')', '")" after the date');
      return { type: 'date', value: s.text };
    }
    throw this.error(t, `expected a property or a literal, found ${show(t)}`);
  }

  /** Check that `value` suits `prop`'s type, converting a date string; throws at `pos`. */
  private typed(prop: Queryable, value: Cql2Literal, pos: number): Cql2Literal {
    const ok =
      (NUMERIC.includes(prop.type) && value.type === 'number') ||
      (TEXTUAL.includes(prop.type) && value.type === 'string') ||
      (prop.type === 'boolean' && value.type === 'boolean') ||
      (prop.type === 'date' && value.type === 'date');
    if (ok) return value;
    if (prop.type === 'date' && value.type === 'string' && isDate(value.value)) return { type: 'date', value: value.value };
    if (prop.type === 'string[]') throw new Cql2Error(this.text, pos, `compares list property "${prop.name}", which supports IS [NOT] NULL only`);
    throw new Cql2Error(this.text, pos, `compares ${prop.type} property "${prop.name}" with a ${value.type} literal ${JSON.stringify(value.value)}`);
  }

  private comparison(left: Operand & { kind: 'prop' }, cmp: Cql2Comparison, right: Operand & { kind: 'literal' }): Cql2Expr {
    return { op: 'cmp', cmp, prop: left.prop, value: this.typed(left.prop, right.value, right.pos) };
  }

  private like(left: Operand & { kind: 'prop' }, negated: boolean): Cql2Expr {
    if (!TEXTUAL.includes(left.prop.type)) throw new Cql2Error(this.text, left.pos, `applies LIKE to ${left.prop.type} property "${left.prop.name}"`);
    const p = this.expect('string', 'a quoted pattern after LIKE');
    // `\` escapes the next character; one at the end escapes nothing (PostgreSQL would fail).
    if (/(^|[^\\])(\\\\)*\\$/.test(p.text)) {
      throw new Cql2Error(this.text, p.pos, `has a LIKE pattern ${JSON.stringify(p.text)} ending in a lone escape character "\\"; write "\\\\" for a backslash`);
    }
    return { op: 'like', prop: left.prop, pattern: p.text, negated };
  }

  private in(left: Operand & { kind: 'prop' }, negated: boolean): Cql2Expr {
    this.expect('(', '"(" after IN');
    const values: Cql2Literal[] = [];
    do {
      const pos = this.peek().pos;
      values.push(this.typed(left.prop, this.literal(), pos));
    } while (this.peek().kind === ',' && this.next());
    this.expect(')', '"," or ")" in the IN list');
    return { op: 'in', prop: left.prop, values, negated };
  }
}

function show(t: Token): string {
  if (t.kind === 'end') return 'the end of the filter';
  if (t.kind === 'string') return `'${t.text}'`;
  return `"${t.text}"`;
}

function isDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
}

/** Parse a CQL2-text filter for `layer`; throws `Cql2Error` naming the position of the problem. */
export function parseCql2(text: string, layer: LayerDefinition): Cql2Expr {
  if (text.length > CQL2_MAX_LENGTH) throw new BadParameterError('filter', `${text.slice(0, 40)}…`, `is longer than ${CQL2_MAX_LENGTH} characters`);
  if (!text.trim()) throw new Cql2Error(text, 1, 'is empty');
  // PostgreSQL text cannot hold NUL: refuse it here rather than fail in the database.
  const nul = text.indexOf('\0');
  if (nul >= 0) throw new Cql2Error(text, nul + 1, 'has a NUL character (\\u0000)');
  return new Parser(text, layer, queryables(layer)).parse();
}

/**
 * An equality filter from a plain query parameter such as `?status=available` (OGC API –
 * Features Part 1, "parameters for filtering on feature properties"). The raw text is converted to
 * the property's type; throws naming the parameter when it does not fit.
 */
export function propertyEquals(prop: Queryable, raw: string): Cql2Expr {
  const bad = (why: string) => new BadParameterError(prop.name, raw, why);
  if (raw.includes('\0')) throw bad('has a NUL character (\\u0000)');
  let value: Cql2Literal;
  if (NUMERIC.includes(prop.type)) {
    const n = raw.trim() === '' ? NaN : Number(raw);
    if (!Number.isFinite(n)) throw bad(`must be a number`);
    value = { type: 'number', value: n };
  } else if (prop.type === 'boolean') {
    if (raw !== 'true' && raw !== 'false') throw bad('must be true or false');
    value = { type: 'boolean', value: raw === 'true' };
  } else if (prop.type === 'date') {
    if (!isDate(raw)) throw bad('must be a date YYYY-MM-DD');
    value = { type: 'date', value: raw };
  } else if (prop.type === 'string[]') {
    throw bad('is a list property and cannot be filtered by value');
  } else {
    value = { type: 'string', value: raw };
  }
  return { op: 'cmp', cmp: '=', prop, value };
}

// ---------------------------------------------------------------------------------------------
// SQL

/** A SQL fragment and the values of its `$n` parameters, numbered from the `firstParam` given. */
export interface SqlFragment {
  sql: string;
  params: unknown[];
}

const CAST: Record<Cql2Literal['type'], string> = { string: 'text', number: 'float8', boolean: 'boolean', date: 'date' };

/**
 * Render `expr` as a boolean SQL expression over table alias `t`. Column names come from the
 * layer definition and are escaped; every literal becomes a `$n` parameter starting at
 * `firstParam`. A null expression renders as `TRUE`.
 */
export function cql2ToSql(expr: Cql2Expr | null, firstParam: number): SqlFragment {
  const params: unknown[] = [];
  const param = (v: unknown, cast: string) => {
    params.push(v);
    return `$${firstParam + params.length - 1}::${cast}`;
  };
  const col = (p: Queryable) => `t.${pg.escapeIdentifier(p.column)}`;
  // Numbers compare as float8 so integer, numeric and double columns all take any number literal.
  const colAs = (p: Queryable, l: Cql2Literal['type']) => (l === 'number' ? `${col(p)}::float8` : col(p));
  const render = (e: Cql2Expr): string => {
    switch (e.op) {
      case 'and':
      case 'or':
        return `(${e.args.map(render).join(e.op === 'and' ? ' AND ' : ' OR ')})`;
      case 'not':
        return `(NOT ${render(e.arg)})`;
      case 'cmp':
        return `(${colAs(e.prop, e.value.type)} ${e.cmp} ${param(e.value.value, CAST[e.value.type])})`;
      case 'in': {
        const type = e.values[0].type;
        const sql = `${colAs(e.prop, type)} = ANY(${param(e.values.map((v) => v.value), `${CAST[type]}[]`)})`;
        return e.negated ? `(NOT ${sql})` : `(${sql})`;
      }
      case 'isNull':
        return `(${col(e.prop)} IS ${e.negated ? 'NOT ' : ''}NULL)`;
      case 'like':
        return `(${col(e.prop)} ${e.negated ? 'NOT ' : ''}LIKE ${param(e.pattern, 'text')})`;
    }
  };
  return { sql: expr ? render(expr) : 'TRUE', params };
}

/** AND the given expressions together (null when there are none). */
export function allOf(exprs: (Cql2Expr | null)[]): Cql2Expr | null {
  const args = exprs.filter((e): e is Cql2Expr => e !== null);
  if (args.length === 0) return null;
  return args.length === 1 ? args[0] : { op: 'and', args };
}
