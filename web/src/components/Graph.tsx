/**
 * The service dependency graph: arrows point from caller to callee, each service shows its health
 * by colour and by mark (never by colour alone), and root causes are ringed once the episode is over.
 */
import { useState } from 'preact/hooks';
import type { Observation } from '../../../src/domain/schemas.js';
import { HEALTH_MARK, firingBy, health, type Health } from '../model.js';

/**
 * `onPick`: a service clicked (or chosen with Enter) on the graph. With many services, *alerting
 * only* keeps the services that alert or were investigated, and what they call.
 */
export function Graph({ obs, roots, onPick }: { obs: Observation; roots: string[]; onPick?: (name: string) => void }) {
  const [focus, setFocus] = useState(false);
  const firing = firingBy(obs.alerts);
  const interesting = new Set([...firing.keys(), ...obs.investigated, ...roots]);
  const keep = new Set([...interesting, ...obs.services.filter((s) => interesting.has(s.name)).flatMap((s) => s.depends_on)]);
  const services = focus ? obs.services.filter((s) => keep.has(s.name)) : obs.services;
  const names = services.map((s) => s.name);
  const callers = new Map(names.map((n) => [n, services.filter((s) => s.depends_on.includes(n)).map((s) => s.name)]));
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
  const W = Math.max(760, widest * 172);
  const rowH = 74;
  const H = layers.length * rowH + 20;
  const pos = new Map<string, { x: number; y: number }>();
  layers.forEach((row, li) => row.forEach((n, i) => pos.set(n, { x: ((i + 0.5) * W) / row.length, y: 30 + li * rowH })));
  const investigated = new Set(obs.investigated);
  const healthOf = new Map<string, Health>(names.map((n) => [n, health(obs.metrics[n], firing.get(n))]));
  const count = (h: Health) => names.filter((n) => healthOf.get(n) === h).length;
  const summary = `service dependency graph, ${names.length} services: ${count('down')} failing, ${count('degraded')} degraded, ${count('ok')} healthy`;
  return (
    <figure class="graph-figure">
    <svg class="graph" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={summary}>
      <defs>
        <marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
          <path d="M 0 0 L 10 5 L 0 10 z" class="arrowhead" />
        </marker>
      </defs>
      {services.flatMap((s) =>
        s.depends_on.map((d) => {
          const a = pos.get(s.name)!;
          const b = pos.get(d);
          // Stop short of the callee's box, so the arrowhead shows where the call lands.
          return b ? <line key={`${s.name}>${d}`} x1={a.x} y1={a.y + 14} x2={b.x} y2={b.y - 16} class="edge" marker-end="url(#arrow)" /> : null;
        }),
      )}
      {names.map((n) => {
        const p = pos.get(n)!;
        const h = healthOf.get(n)!;
        const label = n.length > 21 ? `${n.slice(0, 20)}…` : n;
        return (
          <g
            key={n}
            class={`node ${h}${investigated.has(n) ? ' seen' : ''}${roots.includes(n) ? ' root' : ''}${onPick ? ' pickable' : ''}`}
            transform={`translate(${p.x},${p.y})`}
            data-testid={`node-${n}`}
            {...(onPick
              ? { role: 'button', tabIndex: 0, 'aria-label': `${n}, ${HEALTH_MARK[h].word}: pick to investigate`, onClick: () => onPick(n), onKeyDown: (e: KeyboardEvent) => (e.key === 'Enter' || e.key === ' ') && (e.preventDefault(), onPick(n)) }
              : {})}
          >
            <title>{`${n} — ${HEALTH_MARK[h].word}; error rate ${obs.metrics[n]?.error_rate ?? '?'}${firing.get(n)?.length ? `; ${firing.get(n)!.length} alert(s) firing` : ''}${investigated.has(n) ? '; investigated' : ''}`}</title>
            <rect x={-80} y={-14} width={160} height={28} rx={8} />
            <text class="mark" x={-71} y={4} aria-hidden="true">{HEALTH_MARK[h].symbol}</text>
            <text text-anchor="middle" x={7} y={4}>{label}</text>
          </g>
        );
      })}
    </svg>
    <figcaption class="legend" data-testid="graph-legend">
      <label class="check"><input type="checkbox" checked={focus} data-testid="graph-focus" onChange={(e) => setFocus(e.currentTarget.checked)} /> alerting only ({keep.size} of {obs.services.length})</label>
      {(['down', 'degraded', 'ok'] as const).map((h) => (
        <span key={h} class={`key ${h}`}><span class="swatch" aria-hidden="true">{HEALTH_MARK[h].symbol}</span> {HEALTH_MARK[h].word}</span>
      ))}
      <span class="key">→ calls</span>
      <span class="key"><span class="swatch seen" aria-hidden="true"></span> investigated</span>
      <span class="key"><span class="swatch root" aria-hidden="true"></span> root cause (after the end)</span>
    </figcaption>
    </figure>
  );
}
