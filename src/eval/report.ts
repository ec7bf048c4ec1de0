/** Human-readable reports of an evaluation: Markdown tables and a self-contained HTML page with inline SVG charts. */
import type { EvalResults } from './harness.js';

const f3 = (x: number) => x.toFixed(3);

export function markdownReport(r: EvalResults): string {
  const s = r.summary;
  const table = (title: string, rows: Record<string, { n: number; mean: number }>) =>
    Object.keys(rows).length ? [`### ${title}`, '', '| | episodes | mean score |', '|---|---|---|', ...Object.entries(rows).map(([k, v]) => `| ${k} | ${v.n} | ${f3(v.mean)} |`), ''] : [];
  return [
    `# Evaluation: ${r.agent}`,
    '',
    `Tasks ${r.options.tasks.join(', ')}; difficulty ${r.options.difficulty}, split ${r.options.split}; ${s.episodes} episodes` +
      `${r.options.url ? ` against ${r.options.url} over ${r.options.transport}` : ' in-process'}.`,
    '',
    `**Mean score ${f3(s.mean)} ± ${f3(s.stderr)}** (standard error)${s.errors ? `; ${s.errors} episode(s) failed to run` : ''}.`,
    '',
    ...table('Per task', s.per_task),
    ...table('Per difficulty (generated)', s.per_difficulty),
    ...table('Per family (generated)', s.per_family),
    '### Per stage / rubric item',
    '',
    '| item | hit rate | mean share of its weight |',
    '|---|---|---|',
    ...Object.entries(s.per_stage).map(([k, v]) => `| ${k} | ${f3(v.hit_rate)} | ${f3(v.mean_share)} |`),
    '',
  ].join('\n');
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function bars(items: [string, number][], max = 1, width = 640): string {
  const rowH = 22;
  const labelW = 230;
  const h = items.length * rowH + 10;
  const rows = items
    .map(([label, v], i) => {
      const w = Math.max(0, Math.min(1, v / max)) * (width - labelW - 60);
      const y = i * rowH + 5;
      return `<text x="${labelW - 8}" y="${y + 15}" text-anchor="end">${esc(label)}</text><rect x="${labelW}" y="${y + 3}" width="${w.toFixed(1)}" height="15" rx="3" class="bar"/><text x="${(labelW + w + 6).toFixed(1)}" y="${y + 15}">${v.toFixed(3)}</text>`;
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
  const groups = (rows: Record<string, { n: number; mean: number }>) => bars(Object.entries(rows).map(([k, v]) => [`${k} (${v.n})`, v.mean]));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Evaluation: ${esc(r.agent)}</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:760px;padding:24px;color:#1d2330;background:#fafbfc}
h1{font-size:24px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}
.kpi{font-size:34px;font-weight:700}.muted{color:#667}
svg text{font-size:12px;fill:#1d2330}.bar{fill:#d9485f}
section{background:#fff;border:1px solid #e4e7ec;border-radius:10px;padding:12px 16px;margin-top:16px}
</style></head><body>
<h1>Evaluation: ${esc(r.agent)}</h1>
<p class="muted">${esc(r.options.tasks.join(', '))} · difficulty ${esc(r.options.difficulty)} · split ${esc(r.options.split)} · ${s.episodes} episodes${r.options.url ? ` · ${esc(r.options.url)} (${esc(String(r.options.transport))})` : ' · in-process'}</p>
<p><span class="kpi">${f3(s.mean)}</span> <span class="muted">mean score ± ${f3(s.stderr)} (standard error)${s.errors ? ` · ${s.errors} failed` : ''}</span></p>
${section('Score distribution', histogram(r.episodes.map((e) => e.score)))}
${section('Per task', groups(s.per_task))}
${Object.keys(s.per_difficulty).length ? section('Per difficulty', groups(s.per_difficulty)) : ''}
${Object.keys(s.per_family).length ? section('Per family', groups(s.per_family)) : ''}
${section('Per stage: hit rate', bars(Object.entries(s.per_stage).map(([k, v]) => [k, v.hit_rate])))}
</body></html>
`;
}
