/** The site finder's API (`GET /api/search`, server/search/) as the page uses it. */
import type { Geometry } from 'geojson';
import { requestJson } from '../shared/http.client.ts';

type Both = { zh: string; en: string };
type MaybeEn = { zh: string; en: string | null };

/** A matching carrier. */
export interface FoundSite {
  id: number;
  kind: 'land' | 'factory' | 'office';
  code: string;
  name: MaybeEn;
  status: string;
  areaM2: number;
  areaMu: number;
  floorAreaM2: number | null;
  floors: number | null;
  price: number | null;
  priceUnit: string | null;
  industries: Both[];
  park: { id: number; name: Both; shortName: MaybeEn | null } | null;
  county: { adcode: string; name: Both } | null;
  center: [number, number];
  geometry: Geometry;
  nameMatch: boolean;
  links: { park: string | null; enquiry: string | null };
}

/** A park or county the words name. */
export interface FoundPlace {
  type: 'park' | 'county';
  id: string;
  name: Both;
  shortName: MaybeEn | null;
  bbox: [number, number, number, number];
  count: number;
  href: string | null;
}

/** The answer of `/api/search`. */
export interface SearchAnswer {
  numberMatched: number;
  numberReturned: number;
  bbox: [number, number, number, number] | null;
  items: FoundSite[];
  places: FoundPlace[];
  facets: {
    type: Record<'land' | 'factory' | 'office', number>;
    county: { adcode: string; name: Both; count: number }[];
    park: { id: number; name: Both; count: number }[];
  };
}

/** Run a search (`query` from `apiQuery`). */
export function searchSites(query: string, signal: AbortSignal, lang: 'zh' | 'en'): Promise<SearchAnswer> {
  return requestJson<SearchAnswer>(`/api/search?${query}`, { signal, lang });
}
