/**
 * bench:select's 20 representative briefs over the shared generated data (bench-data.ts), shared
 * by the bench and its query-plan report (select-explain.ts).
 */
import { benchCentres } from './bench-data.ts';

/** A drawn area: an irregular pentagon of ~`km` across around a point. */
export function drawn([lon, lat]: [number, number], km: number) {
  const k = km / 2 / 111.32;
  const kx = k / Math.cos((lat * Math.PI) / 180);
  const ring = [[lon - kx, lat], [lon - kx / 3, lat - k], [lon + kx, lat - k / 2], [lon + kx * 0.8, lat + k * 0.7], [lon - kx / 4, lat + k]];
  return { type: 'Polygon', coordinates: [[...ring, ring[0]]] };
}

/** 20 representative briefs. */
export function briefs(): Record<string, unknown>[] {
  const c = benchCentres();
  return [
    { landUse: ['M1'], areaMu: { min: 20, max: 60 }, priceMax: 30, weights: { price: 50, area: 50 } },
    { landUse: ['M1', 'M2'], areaMu: { min: 30, max: 80 }, gas: true, maxDistanceM: { highway_exit: 3000 }, weights: { distance_highway_exit: 40, distance_school: 30, price: 30 } },
    { within: drawn(c[0], 8), weights: { area: 40, distance_bus_stop: 30, distance_hospital: 30 } },
    { within: drawn(c[5], 5), landUse: ['M2'], weights: { price: 50, distance_logistics: 50 } },
    { near: { lon: c[3][0], lat: c[3][1], radiusM: 3000 }, weights: { distance_restaurant: 50, power: 50 } },
    { near: { lon: c[12][0], lat: c[12][1], radiusM: 2000 }, areaMu: { min: 10 }, weights: { distance_bank: 40, distance_police: 30, area: 30 } },
    { industry: '电子信息', powerKvaMin: 3000, areaMu: { min: 50, max: 100 }, weights: { power: 60, price: 40 } },
    { standardLand: { investmentIntensity: 250, outputPerMu: 300 }, landUse: ['M1'], areaMu: { min: 20, max: 40 }, weights: { investment_intensity: 50, distance_highway_exit: 50 } },
    { plotRatio: { min: 2.8, max: 4 }, landUse: ['B1'], priceMax: 25, weights: { plot_ratio: 50, distance_mall: 50 } },
    { waterTPerDayMin: 500, landUse: ['M2'], areaMu: { min: 40, max: 90 }, maxDistanceM: { logistics: 2000, rail_station: 4000 }, weights: { water: 40, distance_logistics: 30, distance_rail_station: 30 } },
    { areaMu: { min: 100 }, weights: { area: 50, price: 50 }, preferences: { area: { ideal: 80000 } } },
    { landUse: ['W1'], areaMu: { min: 40, max: 60 }, priceMax: 20, weights: { distance_highway_exit: 40, distance_logistics: 30, distance_gas_station: 30 } },
    { within: drawn(c[20], 10), status: ['available', 'reserved'], areaMu: { min: 30 }, weights: { price: 30, distance_school: 35, distance_hospital: 35 } },
    { industry: '生物医药', gas: true, areaMu: { min: 30, max: 50 }, maxDistanceM: { hospital: 2000, school: 2000 }, weights: { distance_hospital: 50, price: 50 } },
    { landUse: ['M1'], areaMu: { min: 45, max: 55 }, weights: { price: 100 }, sort: '-area' },
    { near: { lon: c[30][0], lat: c[30][1], radiusM: 5000 }, landUse: ['M1', 'M2'], areaMu: { min: 20 }, weights: { distance_highway_exit: 50, area: 50 } },
    { powerKvaMin: 5000, waterTPerDayMin: 800, weights: { power: 50, water: 50 } },
    { landUse: ['B1'], areaMu: { min: 5, max: 15 }, maxDistanceM: { bus_stop: 1000 }, weights: { distance_bus_stop: 40, distance_mall: 30, distance_bank: 30 } },
    { within: drawn(c[33], 6), maxDistanceM: { highway_exit: 5000 }, weights: { distance_highway_exit: 100 } },
    { standardLand: { investmentIntensity: 200 }, industry: '智能制造', areaMu: { min: 60 }, priceMax: 35, weights: { output_per_mu: 40, power: 30, distance_logistics: 30 } },
  ];
}
