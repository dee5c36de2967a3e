// A chart with its text alternative: the canvas is labelled, and the same numbers are one click
// away as a table for screen readers and for copying.
import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';

export interface Series {
  label: string;
  data: number[];
  color: string;
}

interface Props {
  id: string;
  title: string;
  labels: string[];
  series: Series[];
  kind?: 'bar' | 'line';
  stacked?: boolean;
  horizontal?: boolean;
}

export function ChartView({ id, title, labels, series, kind = 'bar', stacked = false, horizontal = false }: Props): JSX.Element {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [failed, setFailed] = useState(false);
  const data = JSON.stringify([labels, series]);
  useEffect(() => {
    let chart: { destroy(): void } | undefined;
    let live = true;
    import('./chart-setup.js').then(
      ({ Chart }) => {
        if (!live || !canvas.current) return;
        chart = new Chart(canvas.current, {
          type: kind,
          data: {
            labels,
            datasets: series.map((s) => ({ label: s.label, data: s.data, backgroundColor: s.color, borderColor: s.color })),
          },
          options: {
            responsive: true,
            maintainAspectRatio: false,
            indexAxis: horizontal ? 'y' : 'x',
            plugins: { legend: { display: series.length > 1 } },
            scales: { x: { stacked, ticks: { precision: 0 } }, y: { stacked, beginAtZero: true, ticks: { precision: 0 } } },
          },
        });
      },
      () => setFailed(true),
    );
    return () => {
      live = false;
      chart?.destroy();
    };
  }, [data, kind, stacked, horizontal]);
  const total = series.reduce((n, s) => n + s.data.reduce((a, b) => a + b, 0), 0);
  return (
    <figure class="chart card" aria-labelledby={`${id}-caption`}>
      <figcaption id={`${id}-caption`}>{title}</figcaption>
      {labels.length === 0 ? (
        <p>Nothing in this period.</p>
      ) : (
        <>
          <div class="chart-box">
            <canvas ref={canvas} role="img" aria-label={`${title}: ${total} in all; the numbers are in the table below.`} />
          </div>
          {failed ? <p>The chart could not be drawn; the numbers are below.</p> : null}
          <details>
            <summary>{title} as a table</summary>
            <table class="compact">
              <thead>
                <tr>
                  <th scope="col">{horizontal ? 'Item' : 'Period'}</th>
                  {series.map((s) => (
                    <th scope="col" key={s.label}>
                      {s.label}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {labels.map((l, i) => (
                  <tr key={l}>
                    <th scope="row">{l}</th>
                    {series.map((s) => (
                      <td key={s.label}>{s.data[i] ?? 0}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
        </>
      )}
    </figure>
  );
}
