/**
 * The six runtime criteria of `openenv validate --url`, checked the same way, so a deployment
 * can be verified without the Python CLI.
 */
export interface Criterion {
  id: string;
  description: string;
  passed: boolean;
  required: true;
  details?: string;
}

export interface ValidationReport {
  target: string;
  validation_type: 'running_environment';
  standard_version: string;
  standard_profile: string;
  mode: 'simulation' | 'production' | 'unknown';
  passed: boolean;
  summary: { passed_count: number; total_count: number; failed_criteria: string[] };
  criteria: Criterion[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function normalizeTarget(raw: string): string {
  let url = raw.trim();
  if (url === '') throw new Error('empty URL');
  if (!/^[a-z]+:\/\//i.test(url)) url = `http://${url}`;
  return url.replace(/\/+$/, '');
}

export async function validateRunningEnvironment(rawUrl: string, timeoutMs = 5000): Promise<ValidationReport> {
  const target = normalizeTarget(rawUrl);
  const criteria: Criterion[] = [];
  const fetchJson = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${target}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    return { status: res.status, json: (await res.json().catch(() => undefined)) as unknown };
  };
  const check = async (id: string, description: string, run: () => Promise<string | null>) => {
    try {
      const problem = await run();
      criteria.push({ id, description, passed: problem === null, required: true, ...(problem ? { details: problem } : {}) });
    } catch (error) {
      criteria.push({ id, description, passed: false, required: true, details: (error as Error).message });
    }
  };

  let version = 'unknown';
  let paths: Record<string, unknown> = {};
  await check('openapi_version_available', 'GET /openapi.json returns info.version', async () => {
    const { status, json } = await fetchJson('GET', '/openapi.json');
    if (status !== 200 || !isObject(json) || !isObject(json.info) || typeof json.info.version !== 'string') return `status ${status}, no string info.version`;
    version = json.info.version;
    paths = isObject(json.paths) ? json.paths : {};
    return null;
  });
  await check('health_endpoint', 'GET /health returns status healthy', async () => {
    const { status, json } = await fetchJson('GET', '/health');
    return status === 200 && isObject(json) && json.status === 'healthy' ? null : `status ${status}, body ${JSON.stringify(json)}`;
  });
  await check('metadata_endpoint', 'GET /metadata returns name and description', async () => {
    const { status, json } = await fetchJson('GET', '/metadata');
    return status === 200 && isObject(json) && typeof json.name === 'string' && typeof json.description === 'string' ? null : `status ${status}`;
  });
  await check('schema_endpoint', 'GET /schema returns action, observation and state schemas', async () => {
    const { status, json } = await fetchJson('GET', '/schema');
    return status === 200 && isObject(json) && isObject(json.action) && isObject(json.observation) && isObject(json.state) ? null : `status ${status}`;
  });
  await check('mcp_endpoint', 'POST /mcp answers JSON-RPC 2.0', async () => {
    const { status, json } = await fetchJson('POST', '/mcp', {});
    return status === 200 && isObject(json) && json.jsonrpc === '2.0' ? null : `status ${status}`;
  });
  let mode: ValidationReport['mode'] = 'unknown';
  await check('mode_endpoint_consistency', '/reset, /step and /state are all present (simulation) or all absent (production)', async () => {
    const names = Object.keys(paths);
    if (names.length === 0) return 'no paths in /openapi.json';
    const has = (p: string) => names.includes(p);
    if (has('/reset')) {
      mode = 'simulation';
      return has('/step') && has('/state') ? null : 'simulation mode needs /step and /state';
    }
    mode = 'production';
    return !has('/step') && !has('/state') ? null : 'production mode must not expose /step or /state';
  });

  const failed = criteria.filter((c) => !c.passed).map((c) => c.id);
  return {
    target,
    validation_type: 'running_environment',
    standard_version: version,
    standard_profile: version.startsWith('1.') ? 'openenv-http/1.x' : 'openenv-http/unknown',
    mode,
    passed: failed.length === 0,
    summary: { passed_count: criteria.length - failed.length, total_count: criteria.length, failed_criteria: failed },
    criteria,
  };
}
