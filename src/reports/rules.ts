/** How a map of source states is coloured: the lightest for none (drawn as zero, never left out), then four steps. */
export const MAP_ZERO = '#eef1f4';
export const MAP_PALETTE = ['#c6dbef', '#6baed6', '#2171b5', '#08306b'] as const;

/** The classes of a choropleth whose largest count is `max`: [0], then four ranges of counts up to `max`. */
export function mapClasses(max: number): { from: number; to: number; color: string }[] {
  const classes = [{ from: 0, to: 0, color: MAP_ZERO }];
  if (max <= 0) return classes;
  const bounds = [...new Set([1, 2, 3, 4].map((step) => Math.max(1, Math.ceil((max * step) / 4))))];
  let from = 1;
  bounds.forEach((to, index) => {
    classes.push({ from, to, color: MAP_PALETTE[MAP_PALETTE.length - bounds.length + index]! });
    from = to + 1;
  });
  return classes;
}

export const colorOf = (count: number, classes: { from: number; to: number; color: string }[]) =>
  classes.find((c) => count >= c.from && count <= c.to)?.color ?? MAP_ZERO;
