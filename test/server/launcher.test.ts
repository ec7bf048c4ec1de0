/**
 * A server started by a launcher that is killed outright (SIGKILL: no signal to pass on) shuts
 * down instead of lingering on its port; `npm start` execs node, so no shell sits between.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('launcher', () => {
  it('npm start execs node (the server is npm\'s own child, so it sees npm die)', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.start).toMatch(/^exec node /);
  });

  it('a server whose launcher is killed with SIGKILL exits within seconds', async () => {
    // The launcher: a node process that starts the server and reports its pid.
    const launcher = spawn(
      process.execPath,
      ['-e', "const c = require('node:child_process').spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], { stdio: 'ignore', env: { ...process.env, PORT: '0', LOG_LEVEL: 'silent' } }); console.log(c.pid); setInterval(() => {}, 1000);"],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const serverPid = await new Promise<number>((resolve) => launcher.stdout!.once('data', (d: Buffer) => resolve(Number(String(d).trim()))));
    // Let the server start (it begins watching its parent once it runs).
    await new Promise((r) => setTimeout(r, 3000));
    expect(alive(serverPid)).toBe(true);
    launcher.kill('SIGKILL');
    let gone = false;
    for (let i = 0; i < 50 && !gone; i++) {
      await new Promise((r) => setTimeout(r, 200));
      gone = !alive(serverPid);
    }
    if (!gone) process.kill(serverPid, 'SIGKILL');
    expect(gone).toBe(true);
  }, 30_000);
});
