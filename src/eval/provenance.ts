/** Where a results file came from: when, from which code and generator, on what, by which command. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { GENERATOR_VERSION } from '../domain/index.js';

export interface Provenance {
  started_at: string;
  finished_at: string | null;
  package_version: string;
  generator_version: string;
  /** The git commit of the working tree, when it is a git checkout (with "+dirty" when it has changes). */
  commit: string | null;
  node_version: string;
  platform: string;
  /** The exact command line. */
  command: string;
}

function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

function gitCommit(): string | null {
  try {
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return dirty ? `${head}+dirty` : head;
  } catch {
    return null;
  }
}

export function provenance(argv: readonly string[] = process.argv, now: Date = new Date()): Provenance {
  return {
    started_at: now.toISOString(),
    finished_at: null,
    package_version: packageVersion(),
    generator_version: GENERATOR_VERSION,
    commit: gitCommit(),
    node_version: process.version,
    platform: `${process.platform}-${process.arch}`,
    command: argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' '),
  };
}
