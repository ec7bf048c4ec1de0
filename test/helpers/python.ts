/**
 * The Python the tests use: the repository's `.venv` (which `.ci/run` fills with the real `openai`,
 * `mcp`, `websockets`, `pydantic`, `httpx`, `pytest` and this repository's Python package), else
 * `python3`. Tests that need a module skip when it is missing, except in CI, where they must run.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

const venv = resolve('.venv/bin/python');
export const PYTHON = existsSync(venv) ? venv : 'python3';

export function pythonHas(...modules: string[]): boolean {
  return spawnSync(PYTHON, ['-c', modules.map((m) => `import ${m}`).join('; ')]).status === 0;
}

/** Skip (locally) or fail (CI) when the modules are missing. */
export function requirePython(...modules: string[]): { skip: boolean; reason: string } {
  if (pythonHas(...modules)) return { skip: false, reason: '' };
  const reason = `${PYTHON} lacks ${modules.join(', ')}: run bash .ci/run (or pip install ./python[test] openai in .venv)`;
  if (process.env.CI) throw new Error(reason);
  return { skip: true, reason };
}
