/** Small inline-SVG charts: sparklines of a metric over the episode, and the reward/score timeline. */
import type { Frame } from '../model.js';

export function Sparkline({ values, width = 120, height = 26 }: { values: number[]; width?: number; height?: number }) {
  if (values.length < 2) return <svg class="spark" width={width} height={height} />;
  const max = Math.max(...values, 0.0001);
  const pts = values.map((v, i) => `${((i / (values.length - 1)) * (width - 4) + 2).toFixed(1)},${(height - 2 - (v / max) * (height - 4)).toFixed(1)}`);
  return (
    <svg class="spark" width={width} height={height} role="img" aria-label="trend">
      <polyline points={pts.join(' ')} />
    </svg>
  );
}

export function Timeline({ frames }: { frames: Frame[] }) {
  const W = 360;
  const H = 120;
  let total = 0;
  const cumulative = frames.slice(1).map((f) => (total += f.reward ?? 0));
  const scores = frames.slice(1).map((f) => f.score ?? 0);
  if (cumulative.length === 0) return <p class="muted">No steps yet.</p>;
  const lo = Math.min(0, ...cumulative);
  const hi = Math.max(1, ...cumulative);
  const x = (i: number) => 10 + (i / Math.max(1, cumulative.length - 1)) * (W - 20);
  const y = (v: number) => H - 14 - ((v - lo) / (hi - lo)) * (H - 28);
  return (
    <svg class="timeline" viewBox={`0 0 ${W} ${H}`} role="img" aria-label="reward and score timeline">
      <line x1={10} x2={W - 10} y1={y(0)} y2={y(0)} class="axis" />
      <polyline class="cum" points={cumulative.map((v, i) => `${x(i)},${y(v)}`).join(' ')} />
      <polyline class="score" points={scores.map((v, i) => `${x(i)},${y(v)}`).join(' ')} />
      <text x={12} y={12} class="legend cum-l">cumulative reward</text>
      <text x={170} y={12} class="legend score-l">score</text>
    </svg>
  );
}

/** Alert thresholds seen so far for one service: metric -> threshold (from the alert texts). */
export function thresholdsOf(frames: Frame[], service: string): Map<string, number> {
  const out = new Map<string, number>();
  const re = new RegExp(`^\\[[A-Z]+\\] ${service.replace(/[-.]/g, '\\$&')}: .*\\((\\w+)=[^,]*, threshold [<>] ([0-9.]+)\\)`);
  for (const f of frames) for (const a of f.observation.alerts) {
    const m = re.exec(a);
    if (m) out.set(m[1]!, Number(m[2]));
  }
  return out;
}

/**
 * One metric of one service over the episode, with axes (steps across, the value up) and the
 * alert threshold as a dashed line when an alert on it has been seen.
 */
export function MetricChart({ frames, service, metric, threshold }: { frames: Frame[]; service: string; metric: string; threshold?: number }) {
  const values = frames.map((f) => f.observation.metrics[service]?.[metric]).filter((v): v is number => typeof v === 'number');
  if (values.length === 0) return null;
  const W = 300;
  const H = 90;
  const left = 44;
  const bottom = 18;
  const hi = Math.max(...values, threshold ?? 0) * 1.1 || 1;
  const x = (i: number) => left + (i / Math.max(1, values.length - 1)) * (W - left - 8);
  const y = (v: number) => H - bottom - (v / hi) * (H - bottom - 8);
  const fmt = (v: number) => (v >= 100 ? Math.round(v).toString() : v >= 1 ? v.toFixed(1) : v.toFixed(3));
  const last = values[values.length - 1]!;
  return (
    <svg class="metric-chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${metric} of ${service}: now ${fmt(last)}${threshold !== undefined ? `, alert threshold ${fmt(threshold)}` : ''}, over ${values.length} steps`}>
      <text x={4} y={12} class="label">{metric}</text>
      <line x1={left} x2={left} y1={8} y2={H - bottom} class="axis" />
      <line x1={left} x2={W - 8} y1={H - bottom} y2={H - bottom} class="axis" />
      <text x={left - 4} y={y(hi / 1.1) + 4} text-anchor="end" class="tick">{fmt(hi / 1.1)}</text>
      <text x={left - 4} y={H - bottom} text-anchor="end" class="tick">0</text>
      <text x={left} y={H - 4} class="tick">step {frames[0]!.observation.step}</text>
      <text x={W - 8} y={H - 4} text-anchor="end" class="tick">step {frames[frames.length - 1]!.observation.step}</text>
      {threshold !== undefined ? <line x1={left} x2={W - 8} y1={y(threshold)} y2={y(threshold)} class="threshold" /> : null}
      <polyline class="series" points={values.map((v, i) => `${x(i)},${y(v)}`).join(' ')} />
    </svg>
  );
}
