/**
 * Which failure mechanisms a text claims (the stuffing and wrong-first-mechanism rules read them):
 * naming the change one made is not claiming a failure its words resemble, and words that only
 * look alike ("the worker pool filled") claim nothing.
 */
import { describe, expect, it } from 'vitest';
import { generatedTask } from '../../src/domain/index.js';
import { readText } from '../../src/domain/reading.js';

describe('claimed mechanisms', () => {
  it('a certificate renewed with renew_credentials@… claims a certificate expiry, not an expired API credential', () => {
    const task = generatedTask({ seed: 3, difficulty: 'hard', split: 'test', family: 'certificate_expiry' });
    const root = task.scenario.generated!.faults[0]!.root_cause;
    const text = `Root cause: ${root}. Its TLS certificate expired, so every client handshake failed. We applied renew_credentials@${root}; the renewed certificate loaded and errors stopped.`;
    expect(readText(task, text, 'postmortem').mechanisms).toEqual(['certificate_expiry']);
    // The same words about an API key still claim it: only the fix's own name is set aside.
    expect(readText(task, `${text} The provider's API credential had also expired.`, 'postmortem').mechanisms).toContain('expired_api_credential');
  });

  it('"the worker pool filled" beside a disk alert ruled out claims no full disk; "the disk filled up" does', () => {
    const task = generatedTask({ seed: 4, difficulty: 'hard', split: 'test', family: 'connection_pool_exhaustion' });
    const root = task.scenario.generated!.faults[0]!.root_cause;
    const calm = `Root cause: ${root}. Its connection limit was lowered, so the worker pool filled while callers waited; the disk alert on another host was stable.`;
    expect(readText(task, calm, 'postmortem').mechanisms).not.toContain('disk_full');
    expect(readText(task, `Root cause: ${root}. The disk filled up with logs.`, 'postmortem').mechanisms).toContain('disk_full');
  });
});
