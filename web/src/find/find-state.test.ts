import { describe, expect, it } from 'vitest';
import { apiQuery, DEFAULT_STATE, parseState, stateToSearch } from './find-state.ts';

describe('finder URL state', () => {
  it('round-trips a search through the URL, leaving defaults out', () => {
    const state = { ...DEFAULT_STATE, q: 'gxq', type: 'factory' as const, county: '511725', areaMin: '10', priceUnit: '元/m²·月', priceMax: '12', page: 2, sel: '41' };
    const search = stateToSearch(state, 'en');
    expect(search).toBe('?q=gxq&type=factory&county=511725&areaMin=10&priceUnit=%E5%85%83%2Fm%C2%B2%C2%B7%E6%9C%88&priceMax=12&page=2&sel=41&lang=en');
    expect(parseState(search)).toEqual(state);
    expect(stateToSearch(DEFAULT_STATE)).toBe('');
  });

  it('drops malformed values instead of sending them', () => {
    expect(parseState('?type=house&county=12&areaMin=-3&priceUnit=%E5%85%83&page=0&sel=x&sort=colour')).toEqual(DEFAULT_STATE);
  });

  it('asks the API for prices only with their unit and pages by 20', () => {
    expect(apiQuery({ ...DEFAULT_STATE, priceMax: '10', sort: 'price', page: 3 })).toBe('limit=20&offset=40');
    expect(apiQuery({ ...DEFAULT_STATE, q: ' 高新区 ', areaMax: '50', areaUnit: 'm2' })).toBe('q=%E9%AB%98%E6%96%B0%E5%8C%BA&areaMax=50&areaUnit=m2&limit=20&offset=0');
  });
});
