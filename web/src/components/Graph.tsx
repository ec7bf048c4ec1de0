/** The service dependency graph, coloured by health; root causes are ringed once the episode is over. */
import type { Observation } from '../../../src/domain/schemas.js';
import { health } from '../model.js';

export function Graph({ obs, roots }: { obs: Observation; roots: string[] }) {
  const names = obs.services.map((s) => s.name);
  const callers = new Map(names.map((n) => [n, obs.services.filter((s) => s.depends_on.includes(n)).map((s) => s.name)]));
  // Layer = longest call chain from a service nobody calls.
  const level = new Map<string, number>();
  const depth = (n: string, seen: Set<string>): number => {
    if (level.has(n)) return level.get(n)!;
    if (seen.has(n)) return 0;
    seen.add(n);
    const ups = callers.get(n) ?? [];
    const d = ups.length === 0 ? 0 : 1 + Math.max(...ups.map((u) => depth(u, seen)));
    level.set(n, d);
    return d;
  };
  for (const n of names) depth(n, new Set());
  const layers: string[][] = [];
  for (const n of names) (layers[level.get(n)!] ??= []).push(n);
  const widest = Math.max(1, ...layers.map((l) => l?.length ?? 0));
  const W = Math.max(760, widest * 150);
  const rowH = 74;
  const H = layers.length * rowH + 20;
  const pos = new Map<string, { x: number; y: number }>();
  layers.forEach((row, li) => row.forEach((n, i) => pos.set(n, { x: ((i + 0.5) * W) / row.length, y: 30 + li * rowH })));
  const investigated = new Set(obs.investigated);
  return (
    <svg class="graph" viewBox={`0 0 ${W} ${H}`} role="img" aria-label="service dependency graph">
      {obs.services.flatMap((s) =>
        s.depends_on.map((d) => {
          const a = pos.get(s.name)!;
          const b = pos.get(d);
          return b ? <line key={`${s.name}>${d}`} x1={a.x} y1={a.y} x2={b.x} y2={b.y} class="edge" /> : null;
        }),
      )}
      {names.map((n) => {
        const p = pos.get(n)!;
        const h = health(obs.metrics[n]);
        const label = n.length > 22 ? `${n.slice(0, 21)}…` : n;
        return (
          <g key={n} class={`node ${h}${investigated.has(n) ? ' seen' : ''}${roots.includes(n) ? ' root' : ''}`} transform={`translate(${p.x},${p.y})`}>
            <title>{`${n} — error rate ${obs.metrics[n]?.error_rate ?? '?'}`}</title>
            <rect x={-68} y={-14} width={136} height={28} rx={8} />
            <text text-anchor="middle" y={4}>{label}</text>
          </g>
        );
      })}
    </svg>
  );
}
