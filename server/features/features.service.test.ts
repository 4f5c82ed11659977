import { describe, expect, it } from 'vitest';
import { BadParameterError } from '../../core/errors.ts';
import { parseBBox, parseIntParam } from './features.service.ts';

describe('parseBBox', () => {
  it('accepts four numbers in lon/lat order', () => {
    expect(parseBBox('107.1,30.5,107.9,31.5')).toEqual([107.1, 30.5, 107.9, 31.5]);
  });

  it('treats an absent bbox as no filter', () => {
    expect(parseBBox(undefined)).toBeNull();
    expect(parseBBox('')).toBeNull();
  });

  it.each([
    ['1,2,3', /needs 4 numbers.*has 3/],
    ['1,2,3,4,5,6', /has 6/],
    ['1,,3,4', /non-number "" at position 2/],
    ['1,2,NaN,4', /"NaN" at position 3/],
    ['-190,0,0,1', /-180\.\.180/],
    ['0,-91,1,1', /-90\.\.90/],
    ['5,0,1,1', /min ≤ max/],
  ])('rejects "%s" and says why', (raw, why) => {
    expect(() => parseBBox(raw)).toThrow(BadParameterError);
    expect(() => parseBBox(raw)).toThrow(why);
  });
});

describe('parseIntParam', () => {
  it('returns the default when absent and the value within bounds', () => {
    expect(parseIntParam('limit', undefined, 10, 1, 100)).toBe(10);
    expect(parseIntParam('limit', '42', 10, 1, 100)).toBe(42);
  });

  it.each(['0', '101', '1.5', 'ten', '1e3'])('rejects "%s" naming the parameter', (raw) => {
    expect(() => parseIntParam('limit', raw, 10, 1, 100)).toThrow(/parameter "limit"/);
  });
});
