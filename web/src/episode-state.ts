/**
 * The console's episode state, changed only by the events below (one reducer): what the player,
 * an agent or a replay did, and what the server answered. The settings (incident, mode, agent,
 * speed) stay plain component state.
 */
import type { State } from '../../src/domain/schemas.js';
import type { Hint } from './api.js';
import type { Frame } from './model.js';
import type { RecordedEpisode } from './replay.js';

export interface EpisodeView {
  frames: Frame[];
  /** Replay's position in `frames`. */
  cursor: number;
  session: string | null;
  /** The final state, once the episode is over. */
  final: State | null;
  busy: boolean;
  error: string | null;
  notice: string | null;
  postmortem: string;
  /** A service picked on the graph (`n` counts picks, so picking the same one again still counts). */
  picked: { name: string; n: number } | undefined;
  drill: { key: string; exam: boolean } | null;
  hints: Hint[];
  recorded: RecordedEpisode[];
}

export const EMPTY: EpisodeView = { frames: [], cursor: 0, session: null, final: null, busy: false, error: null, notice: null, postmortem: '', picked: undefined, drill: null, hints: [], recorded: [] };

export type EpisodeEvent =
  | { type: 'reset' }
  | { type: 'started'; session: string; frames: Frame[]; drill: EpisodeView['drill'] }
  | { type: 'resumed'; session: string; frames: Frame[]; final: State | null; notice: string }
  | { type: 'stepped'; frames: Frame[] }
  | { type: 'finished'; final: State }
  | { type: 'replayed'; frames: Frame[]; final: State | null }
  | { type: 'recorded'; episodes: RecordedEpisode[] }
  | { type: 'cursor'; to: number }
  | { type: 'move'; by: number }
  | { type: 'busy'; busy: boolean }
  | { type: 'error'; message: string | null }
  | { type: 'notice'; message: string | null }
  | { type: 'postmortem'; text: string }
  | { type: 'cite'; id: string }
  | { type: 'picked'; name: string }
  | { type: 'hints'; hints: Hint[] };

export function episodeReducer(s: EpisodeView, e: EpisodeEvent): EpisodeView {
  switch (e.type) {
    case 'reset':
      // A new incident keeps nothing of the last but the recorded file (replay) and the notice.
      return { ...EMPTY, recorded: s.recorded, notice: s.notice };
    case 'started':
      return { ...s, session: e.session, frames: e.frames, cursor: 0, drill: e.drill };
    case 'resumed':
      return { ...s, session: e.session, frames: e.frames, cursor: e.frames.length - 1, final: e.final, notice: e.notice };
    case 'stepped':
      return { ...s, frames: e.frames, cursor: e.frames.length - 1 };
    case 'finished':
      return { ...s, final: e.final };
    case 'replayed':
      return { ...s, frames: e.frames, final: e.final, cursor: 0 };
    case 'recorded':
      return { ...s, recorded: e.episodes };
    case 'cursor':
      return { ...s, cursor: Math.max(0, Math.min(s.frames.length - 1, e.to)) };
    case 'move':
      return { ...s, cursor: Math.max(0, Math.min(s.frames.length - 1, s.cursor + e.by)) };
    case 'busy':
      // Starting an action clears what the last one said.
      return e.busy ? { ...s, busy: true, error: null, notice: null } : { ...s, busy: false };
    case 'error':
      return { ...s, error: e.message };
    case 'notice':
      return { ...s, notice: e.message };
    case 'postmortem':
      return { ...s, postmortem: e.text };
    case 'cite': {
      // An evidence id is cited once, with a space before it.
      const p = s.postmortem;
      const postmortem = p.includes(e.id) ? p : `${p}${p && !/\s$/.test(p) ? ' ' : ''}${e.id}`;
      return { ...s, postmortem, notice: `${e.id} cited in the postmortem draft` };
    }
    case 'picked':
      return { ...s, picked: { name: e.name, n: (s.picked?.n ?? 0) + 1 } };
    case 'hints':
      return { ...s, hints: e.hints };
  }
}
