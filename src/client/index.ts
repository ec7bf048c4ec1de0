/**
 * A typed client for the environment, over WebSocket (/ws, the OpenEnv session protocol) or
 * HTTP (the OpenEnv forms of /reset and /step, with an explicit session id). Both transports
 * offer the same API.
 */
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import type { Action, Observation, ResetOptions, State } from '../domain/schemas.js';

// Every type a client's caller handles, from the one entry point.
export type { Action, ActionType, Observation, ResetOptions, RubricItemResult, ServiceInfo, State } from '../domain/schemas.js';

export interface StepReply {
  observation: Observation;
  reward: number | null;
  /** Why the step earned its reward (null after a reset). */
  reason: string | null;
  done: boolean;
}

const withReason = (r: Omit<StepReply, 'reason'>): StepReply => ({ ...r, reason: r.observation.reward_reason ?? null });

export type ActionInput = Pick<Action, 'action_type'> & Partial<Omit<Action, 'action_type'>>;

export interface EnvClient {
  reset(options?: ResetOptions): Promise<StepReply>;
  step(action: ActionInput): Promise<StepReply>;
  state(): Promise<State>;
  close(): Promise<void>;
  readonly transport: 'ws' | 'http';
}

/** An error reported by the server (its `code`) or by the connection (`TIMEOUT`, `CONNECTION_CLOSED`, ...). */
export class EnvClientError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status?: number,
    readonly data?: unknown,
  ) {
    super(`${message} (code: ${code})`);
    this.name = 'EnvClientError';
  }
}

export interface ClientOptions {
  /** Server base URL, e.g. http://localhost:7860 */
  url: string;
  transport?: 'ws' | 'http';
  /** HTTP only: the session to play (default: a new random id). */
  sessionId?: string;
  /** Per-request timeout (default 30 s). */
  timeoutMs?: number;
  /** Connection timeout (default 10 s). */
  connectTimeoutMs?: number;
  headers?: Record<string, string>;
}

export async function connect(options: ClientOptions): Promise<EnvClient> {
  return options.transport === 'http' ? connectHttp(options) : connectWebSocket(options);
}

const base = (url: string) => url.replace(/\/+$/, '');

export async function connectWebSocket(options: ClientOptions): Promise<EnvClient> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const wsUrl = `${base(options.url).replace(/^http(s?):\/\//, 'ws$1://')}/ws`;
  const socket = new WebSocket(wsUrl, { handshakeTimeout: options.connectTimeoutMs ?? 10_000, headers: options.headers });
  const pending: { resolve: (data: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }[] = [];
  let failure: EnvClientError | null = null;

  const fail = (error: EnvClientError) => {
    failure ??= error;
    for (const p of pending.splice(0)) {
      clearTimeout(p.timer);
      p.reject(error);
    }
  };

  socket.on('message', (raw) => {
    let frame: { type?: string; data?: Record<string, unknown> };
    try {
      frame = JSON.parse(raw.toString());
    } catch {
      return fail(new EnvClientError('INVALID_REPLY', 'the server sent a frame that is not JSON'));
    }
    const error = frame.type === 'error' ? new EnvClientError(String(frame.data?.code ?? 'ERROR'), String(frame.data?.message ?? 'server error'), undefined, frame.data) : null;
    const next = pending.shift();
    if (!next) {
      // Unasked frames are fatal errors (capacity); the next request reports them.
      if (error) failure = error;
      return;
    }
    clearTimeout(next.timer);
    if (error) next.reject(error);
    else next.resolve(frame.data);
  });
  socket.on('close', (code) => fail(new EnvClientError('CONNECTION_CLOSED', `connection closed (${code})`)));

  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', (e) => reject(new EnvClientError('CONNECTION_FAILED', `cannot connect to ${wsUrl}: ${e.message}`)));
  });
  socket.on('error', (e) => fail(new EnvClientError('CONNECTION_ERROR', e.message)));

  const request = <T>(message: Record<string, unknown>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (failure) return reject(failure);
      const timer = setTimeout(() => {
        const i = pending.findIndex((p) => p.timer === timer);
        if (i >= 0) pending.splice(i, 1);
        reject(new EnvClientError('TIMEOUT', `no reply within ${timeoutMs} ms`));
        socket.terminate();
      }, timeoutMs);
      pending.push({ resolve: resolve as (d: unknown) => void, reject, timer });
      socket.send(JSON.stringify(message));
    });

  return {
    transport: 'ws',
    reset: async (opts = {}) => withReason(await request<StepReply>({ type: 'reset', data: opts })),
    step: async (action) => withReason(await request<StepReply>({ type: 'step', data: action })),
    state: () => request<State>({ type: 'state' }),
    async close() {
      if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: 'close' }));
      await new Promise<void>((resolve) => {
        if (socket.readyState === WebSocket.CLOSED) return resolve();
        socket.once('close', () => resolve());
        setTimeout(() => {
          socket.terminate();
          resolve();
        }, 1000).unref();
      });
    },
  };
}

export async function connectHttp(options: ClientOptions): Promise<EnvClient> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const sessionId = options.sessionId ?? randomUUID();
  const url = base(options.url);
  const headers = { 'content-type': 'application/json', 'x-session-id': sessionId, ...options.headers };

  const call = async <T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> => {
    let res: Response;
    try {
      res = await fetch(`${url}${path}`, {
        method,
        headers: body === undefined ? { 'x-session-id': sessionId, ...options.headers } : headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const e = error as Error;
      throw e.name === 'TimeoutError'
        ? new EnvClientError('TIMEOUT', `no reply within ${timeoutMs} ms`)
        : new EnvClientError('CONNECTION_FAILED', `cannot reach ${url}: ${e.message}`);
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new EnvClientError('INVALID_REPLY', `the server answered ${res.status} with a body that is not JSON`, res.status);
    }
    if (!res.ok) {
      const err = json as { code?: string; message?: string };
      throw new EnvClientError(err.code ?? `HTTP_${res.status}`, err.message ?? `HTTP ${res.status}`, res.status, json);
    }
    return json as T;
  };

  return {
    transport: 'http',
    reset: async (opts = {}) => withReason(await call<StepReply>('POST', '/reset', opts)),
    step: async (action) => withReason(await call<StepReply>('POST', '/step', { action })),
    state: () => call<State>('GET', '/state'),
    async close() {
      // HTTP sessions have no close call; they expire after the server's idle TTL.
    },
  };
}
