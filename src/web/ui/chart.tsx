import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js';
import { useEffect, useRef } from 'react';

Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  Legend,
);

interface ChartProps {
  /** What the chart shows, read by screen readers (the figures are also in a table next to it). */
  label: string;
  labels: string[];
  values: number[];
  kind?: 'bar' | 'horizontal' | 'line';
  locale: string;
}

/** Long category names on two or more lines instead of clipped at the axis. */
function wrap(label: string, width = 18): string | string[] {
  if (label.length <= width) return label;
  const lines: string[] = [];
  for (const word of label.split(' ')) {
    const last = lines[lines.length - 1];
    if (last !== undefined && `${last} ${word}`.length <= width) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  return lines;
}

export function SimpleChart({ label, labels, values, kind = 'bar', locale }: ChartProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current) return;
    const chart = new Chart(canvas.current, {
      type: kind === 'line' ? 'line' : 'bar',
      data: {
        labels: labels.map((label) => wrap(label)),
        datasets: [{ label, data: values, backgroundColor: '#2f6f9f', borderColor: '#2f6f9f' }],
      },
      options: {
        locale,
        indexAxis: kind === 'horizontal' ? 'y' : 'x',
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { display: false } },
        scales: {
          [kind === 'horizontal' ? 'x' : 'y']: { beginAtZero: true, ticks: { precision: 0 } },
          // Every category keeps its label (chart.js would skip every other one when they crowd).
          [kind === 'horizontal' ? 'y' : 'x']: { ticks: { autoSkip: false } },
        },
      },
    });
    // How many category labels chart.js drew (it skips some when they crowd, unless told not to): for the browser tests.
    canvas.current.dataset.labelsShown = String(chart.scales[kind === 'horizontal' ? 'y' : 'x']?.ticks.length ?? 0);
    return () => chart.destroy();
  }, [label, labels, values, kind, locale]);
  return (
    <div className="chart">
      <canvas ref={canvas} role="img" aria-label={label} />
    </div>
  );
}
