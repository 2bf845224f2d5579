import { geoPath } from 'd3-geo';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import states from 'us-atlas/states-albers-10m.json';
import { colorOf, mapClasses } from '../../reports/rules.ts';
import { stateByFips } from '../../shared/us-states.ts';
import { useFormat } from '../ui/format.ts';

/**
 * The US source states as a choropleth: us-atlas's states (already in Albers USA, 975 × 610) drawn with d3-geo as SVG;
 * every state drawn, none left out (a state with no gun has the zero colour and says 0). Hovering or touching a state
 * tells its count and its share of the US-sourced guns; the table beside it says the same for keyboards and readers.
 */
export function UsSourceMap({ counts, total, title }: { counts: Map<string, number>; total: number; title: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  const shapes = useMemo(() => {
    const topology = states as unknown as Topology<{ states: GeometryCollection }>;
    const path = geoPath();
    return feature(topology, topology.objects.states).features.map((state) => ({
      ...stateByFips.get(String(state.id))!,
      d: path(state) ?? '',
    }));
  }, []);
  const classes = mapClasses(Math.max(0, ...counts.values()));
  const [hovered, setHovered] = useState<string | null>(null);
  const describe = (code: string, name: string) => {
    const count = counts.get(code) ?? 0;
    return t('countryReport.mapHover', {
      state: name,
      count: format.number(count),
      share: format.percent(total ? count / total : 0),
    });
  };
  const shown = shapes.find((shape) => shape.code === hovered);
  return (
    <figure className="us-map" data-testid="us-map">
      <figcaption>{title}</figcaption>
      <svg viewBox="0 0 975 610" role="img" aria-label={title}>
        {shapes.map((shape) => (
          <path
            key={shape.code}
            d={shape.d}
            data-state={shape.code}
            fill={colorOf(counts.get(shape.code) ?? 0, classes)}
            stroke="#ffffff"
            strokeWidth={0.8}
            onMouseEnter={() => setHovered(shape.code)}
            onMouseLeave={() => setHovered(null)}
            onClick={() => setHovered(shape.code)}
          >
            <title>{describe(shape.code, shape.name)}</title>
          </path>
        ))}
      </svg>
      <p className="map-hover" data-testid="map-hover" aria-live="polite">
        {shown ? describe(shown.code, shown.name) : ' '}
      </p>
      <ul className="map-legend" aria-label={t('countryReport.legend')}>
        {classes.map((range) => (
          <li key={range.from}>
            <svg className="swatch" width="14" height="14" aria-hidden="true">
              <rect width="14" height="14" fill={range.color} />
            </svg>
            {range.from === range.to ? format.number(range.from) : `${range.from}–${range.to}`}
          </li>
        ))}
      </ul>
    </figure>
  );
}
