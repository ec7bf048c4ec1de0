/**
 * The server image installs production dependencies without optional ones (`npm ci --omit=dev
 * --omit=optional`): everything the server loads must be a plain dependency, and the agents' model
 * client (`openai`, optional, for the CLI) must be out of its reach.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { dependencies: Record<string, string>; optionalDependencies?: Record<string, string> };

/** Every module the file reaches through static and dynamic imports: local files and package names. */
function reach(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const stack = [resolve(entry)];
  while (stack.length) {
    const file = stack.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)import\s+['"]([^'"]+)['"]/g)) {
      const spec = m[1] ?? m[2] ?? m[3]!;
      if (spec.startsWith('.')) stack.push(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
      else if (!spec.startsWith('node:')) packages.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
    }
  }
  return { files, packages };
}

describe('what the server image carries', () => {
  const { files, packages } = reach('src/server/main.ts');

  it('the server reaches no agent code and not the model client', () => {
    expect(files.size).toBeGreaterThan(20);
    expect([...files].filter((f) => f.includes('/src/agents/') || f.includes('/src/cli/'))).toEqual([]);
    expect(packages.has('openai')).toBe(false);
    expect(pkg.optionalDependencies?.openai).toBeDefined();
  });

  it('every package the server loads is a production dependency', () => {
    const missing = [...packages].filter((p) => !(p in pkg.dependencies));
    expect(missing).toEqual([]);
  });
});
