import { createRequire } from 'node:module';
import { geoPath } from 'd3-geo';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import { stateByFips } from '../shared/us-states.ts';

const require = createRequire(import.meta.url);
let shapes: { code: string; name: string; path: string }[] | undefined;

/**
 * The states as SVG path data in us-atlas's Albers USA frame (975 × 610, already projected: Alaska and Hawaii inset),
 * read and drawn once: vector shapes for a PDF or a page, no raster and no network.
 */
export function usStateShapes() {
  if (shapes) return shapes;
  const topology = require('us-atlas/states-albers-10m.json') as Topology<{ states: GeometryCollection }>;
  const path = geoPath();
  shapes = feature(topology, topology.objects.states).features.map((state) => {
    const known = stateByFips.get(String(state.id))!;
    return { code: known.code, name: known.name, path: path(state) ?? '' };
  });
  return shapes;
}
export const US_MAP_SIZE = { width: 975, height: 610 } as const;
