/**
 * Fast JSON for step replies. Observations share their big parts (logs, metrics, alerts, the
 * action list, the service catalogue) between steps, so each part is stringified once and its
 * text reused; the output is byte-for-byte what JSON.stringify would produce.
 */
const texts = new WeakMap<object, string>();

function json(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  let text = texts.get(value);
  if (text === undefined) {
    text = JSON.stringify(value);
    texts.set(value, text);
  }
  return text;
}

/** An object's JSON with each of its values looked up in the cache (keys in insertion order). */
export function objectJson(o: Record<string, unknown>): string {
  let out = '{';
  let first = true;
  for (const key of Object.keys(o)) {
    const v = o[key];
    if (v === undefined || typeof v === 'function') continue;
    out += `${first ? '' : ','}${JSON.stringify(key)}:${json(v)}`;
    first = false;
  }
  return `${out}}`;
}

/** OpenEnv wire shape: {"observation":…,"reward":…,"done":…}. */
export const openEnvResultJson = (observation: Record<string, unknown>, reward: number | null, done: boolean) =>
  `{"observation":${objectJson(observation)},"reward":${JSON.stringify(reward)},"done":${done}}`;

/** Seed StepResult shape: {"observation":…,"reward":{…},"done":…,"info":{…}}. */
export const stepResultJson = (r: { observation: Record<string, unknown>; reward: unknown; done: boolean; info: unknown }) =>
  `{"observation":${objectJson(r.observation)},"reward":${JSON.stringify(r.reward)},"done":${r.done},"info":${JSON.stringify(r.info)}}`;
