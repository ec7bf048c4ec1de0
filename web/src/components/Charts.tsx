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
