/**
 * Human-readable reports of an evaluation: Markdown tables and a self-contained HTML page with
 * inline SVG charts (means with 95% intervals as error bars), the agent's identity, provenance and
 * failure counts.
 */
import type { EvalResults, Summary } from './harness.js';
import type { GroupStats } from './stats.js';

const f3 = (x: number) => x.toFixed(3);
const ci = (g: { ci95: [number, number] | null }) => (g.ci95 ? `[${f3(g.ci95[0])}, ${f3(g.ci95[1])}]` : '—');
const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;

function identityLine(r: EvalResults): string {
  const id = r.agent_identity;
  return id ? Object.entries(id).map(([k, v]) => `${k} ${v ?? '—'}`).join(', ') : 'no model';
}

function setting(r: EvalResults): string {
  const o = r.options;
  const gen = o.tasks.includes('generated') ? `; generated: difficulty ${o.difficulties.join(', ')}, split ${o.split}${o.families.some((f) => f) ? `, families ${o.families.map((f) => f ?? 'any').join(', ')}` : ''}` : '';
  return `Tasks ${o.tasks.join(', ')}${gen}; ${r.summary.episodes} episodes (${o.samples} per incident)${o.url ? ` against ${o.url} over ${o.transport}` : ' in-process'}.`;
}

function failuresLine(s: Summary): string {
  const f = s.failures;
  return `Infrastructure failures (excluded from every mean, after retries): ${s.infra_failures} of ${s.episodes} (${pct(s.infra_failure_rate)}). ` +
    `Agent mistakes (scored): ${f.invalid_actions} invalid actions. Model: ${f.model_call_failures} failed calls, ${f.unparseable_replies} unparseable replies, ${f.fallbacks} fallback actions.`;
}

export function markdownReport(r: EvalResults): string {
  const s = r.summary;
  const table = (title: string, rows: Record<string, GroupStats>) =>
    Object.keys(rows).length
      ? [`### ${title}`, '', '| | n | mean | SE | 95% CI | success |', '|---|---|---|---|---|---|', ...Object.entries(rows).map(([k, v]) => `| ${k} | ${v.n} | ${f3(v.mean)} | ${f3(v.se)} | ${ci(v)} | ${pct(v.success_rate)} |`), '']
      : [];
  const fixed = Object.entries(s.fixed);
  return [
    `# Evaluation: ${r.agent}`,
    '',
    `Agent: ${identityLine(r)}. ${setting(r)}`,
    '',
    s.generated
      ? `**Generated incidents: mean ${f3(s.generated.mean)} ± ${f3(s.generated.se)}** (standard error; 95% CI ${ci(s.generated)}; n = ${s.generated.n}; success ${pct(s.generated.success_rate)}).`
      : `**Mean ${f3(s.mean)}** over fixed tasks.`,
    '',
    failuresLine(s),
    '',
    ...(s.pass_at_k ? [`pass@1 ${f3(s.pass_at_k.pass_at_1)}, pass@${s.pass_at_k.k} ${f3(s.pass_at_k.pass_at_k)} over ${s.pass_at_k.incidents} incidents.`, ''] : []),
    ...(s.usage ? [`Model usage: ${s.usage.model_calls} calls, ${s.usage.tokens_in} tokens in, ${s.usage.tokens_out} out, ${(s.usage.latency_ms / 1000).toFixed(1)} s of latency${s.usage.cost_usd !== null ? `, $${s.usage.cost_usd.toFixed(4)}` : ''}.`, ''] : []),
    ...(fixed.length
      ? ['### Fixed seed tasks (one incident each: repeated episodes are not independent samples)', '', '| task | episodes | mean | success |', '|---|---|---|---|', ...fixed.map(([k, v]) => `| ${k} | ${v.n} | ${f3(v.mean)} | ${pct(v.success_rate)} |`), '']
      : []),
    ...table('Generated incidents per difficulty', s.per_difficulty),
    ...table('Generated incidents per family', s.per_family),
    ...(Object.keys(s.per_stage).length
      ? ['### Generated incidents per stage', '', '| stage | hit rate | mean share of its weight |', '|---|---|---|', ...Object.entries(s.per_stage).map(([k, v]) => `| ${k} | ${f3(v.hit_rate)} | ${f3(v.mean_share)} |`), '']
      : []),
    ...(r.provenance ? [`Provenance: ${r.provenance.started_at}, package ${r.provenance.package_version}, generator ${r.provenance.generator_version}, commit ${r.provenance.commit ?? 'unknown'}, Node ${r.provenance.node_version}; \`${r.provenance.command}\`.`, ''] : []),
  ].join('\n');
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Horizontal bars in [0, 1] with a 95% interval drawn as an error bar. */
function bars(items: { label: string; value: number; ci?: [number, number] | null }[], width = 640): string {
  const rowH = 22;
  const labelW = 230;
  const span = width - labelW - 70;
  const h = items.length * rowH + 10;
  const x = (v: number) => labelW + Math.max(0, Math.min(1, v)) * span;
  const rows = items
    .map(({ label, value, ci: interval }, i) => {
      const y = i * rowH + 5;
      const err = interval ? `<line x1="${x(interval[0]).toFixed(1)}" x2="${x(interval[1]).toFixed(1)}" y1="${y + 10.5}" y2="${y + 10.5}" class="err"/><line x1="${x(interval[0]).toFixed(1)}" x2="${x(interval[0]).toFixed(1)}" y1="${y + 6}" y2="${y + 15}" class="err"/><line x1="${x(interval[1]).toFixed(1)}" x2="${x(interval[1]).toFixed(1)}" y1="${y + 6}" y2="${y + 15}" class="err"/>` : '';
      return `<text x="${labelW - 8}" y="${y + 15}" text-anchor="end">${esc(label)}</text><rect x="${labelW}" y="${y + 3}" width="${(x(value) - labelW).toFixed(1)}" height="15" rx="3" class="bar"/>${err}<text x="${(Math.max(x(value), interval ? x(interval[1]) : 0) + 6).toFixed(1)}" y="${y + 15}">${value.toFixed(3)}</text>`;
    })
    .join('');
  return `<svg viewBox="0 0 ${width} ${h}" width="100%" role="img">${rows}</svg>`;
}

function histogram(scores: number[], width = 640, height = 180): string {
  const bins = new Array(10).fill(0) as number[];
  for (const s of scores) bins[Math.min(9, Math.floor(s * 10))]!++;
  const max = Math.max(1, ...bins);
  const bw = (width - 40) / 10;
  const cols = bins
    .map((n, i) => {
      const h = (n / max) * (height - 40);
      const x = 30 + i * bw;
      return `<rect x="${(x + 2).toFixed(1)}" y="${(height - 25 - h).toFixed(1)}" width="${(bw - 4).toFixed(1)}" height="${h.toFixed(1)}" class="bar"/><text x="${(x + bw / 2).toFixed(1)}" y="${height - 8}" text-anchor="middle">${(i / 10).toFixed(1)}</text>${n ? `<text x="${(x + bw / 2).toFixed(1)}" y="${(height - 30 - h).toFixed(1)}" text-anchor="middle">${n}</text>` : ''}`;
    })
    .join('');
  return `<svg viewBox="0 0 ${width} ${height}" width="100%" role="img">${cols}</svg>`;
}

export function htmlReport(r: EvalResults): string {
  const s = r.summary;
  const section = (title: string, body: string) => `<section><h2>${esc(title)}</h2>${body}</section>`;
  const groups = (rows: Record<string, GroupStats>) => bars(Object.entries(rows).map(([k, v]) => ({ label: `${k} (${v.n})`, value: v.mean, ci: v.ci95 })));
  const headline = s.generated ?? { mean: s.mean, se: s.stderr, ci95: null as [number, number] | null, n: s.valid, success_rate: 0 };
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Evaluation: ${esc(r.agent)}</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:760px;padding:24px;color:#1d2330;background:#fafbfc}
h1{font-size:24px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}
.kpi{font-size:34px;font-weight:700}.muted{color:#667}
svg text{font-size:12px;fill:#1d2330}.bar{fill:#d9485f}.err{stroke:#1d2330;stroke-width:1.5}
section{background:#fff;border:1px solid #e4e7ec;border-radius:10px;padding:12px 16px;margin-top:16px}
</style></head><body>
<h1>Evaluation: ${esc(r.agent)}</h1>
<p class="muted">${esc(identityLine(r))}</p>
<p class="muted">${esc(setting(r))}</p>
<p><span class="kpi">${f3(headline.mean)}</span> <span class="muted">${s.generated ? 'generated incidents' : 'fixed tasks'}: mean ± ${f3(headline.se)} (standard error)${headline.ci95 ? `, 95% CI ${ci(headline)}` : ''}</span></p>
<p class="muted">${esc(failuresLine(s))}</p>
${s.pass_at_k ? `<p class="muted">pass@1 ${f3(s.pass_at_k.pass_at_1)} · pass@${s.pass_at_k.k} ${f3(s.pass_at_k.pass_at_k)} over ${s.pass_at_k.incidents} incidents</p>` : ''}
${s.usage ? `<p class="muted">${s.usage.model_calls} model calls · ${s.usage.tokens_in} tokens in · ${s.usage.tokens_out} out${s.usage.cost_usd !== null ? ` · $${s.usage.cost_usd.toFixed(4)}` : ''}</p>` : ''}
${section('Score distribution', histogram(r.episodes.filter((e) => !e.infra_failure).map((e) => e.score)))}
${Object.keys(s.fixed).length ? section('Fixed seed tasks (not independent samples)', bars(Object.entries(s.fixed).map(([k, v]) => ({ label: `${k} (${v.n})`, value: v.mean })))) : ''}
${Object.keys(s.per_difficulty).length ? section('Per difficulty (mean, 95% CI)', groups(s.per_difficulty)) : ''}
${Object.keys(s.per_family).length ? section('Per family (mean, 95% CI)', groups(s.per_family)) : ''}
${Object.keys(s.per_stage).length ? section('Per stage: hit rate', bars(Object.entries(s.per_stage).map(([k, v]) => ({ label: k, value: v.hit_rate })))) : ''}
${r.provenance ? `<p class="muted">${esc(`${r.provenance.started_at} · package ${r.provenance.package_version} · generator ${r.provenance.generator_version} · commit ${r.provenance.commit ?? 'unknown'} · Node ${r.provenance.node_version}`)}</p>` : ''}
</body></html>
`;
}

/** A leaderboard's Markdown table as a minimal self-contained page. */
export function leaderboardHtml(markdown: string): string {
  const rows = markdown.trim().split('\n').filter((_, i) => i !== 1).map((l) => l.split('|').slice(1, -1).map((c) => c.trim()));
  const [head, ...body] = rows;
  const cells = (r: string[], tag: string) => `<tr>${r.map((c) => `<${tag}>${esc(c)}</${tag}>`).join('')}</tr>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Leaderboard</title>
<style>body{font:14px/1.5 system-ui,sans-serif;margin:24px;color:#1d2330}table{border-collapse:collapse}td,th{border:1px solid #e4e7ec;padding:4px 8px;text-align:left}th{background:#f4f5f7}</style>
</head><body><h1>Leaderboard</h1><table>${head ? cells(head, 'th') : ''}${body.map((r) => cells(r, 'td')).join('')}</table></body></html>
`;
}
