"""A class for TRL's `GRPOTrainer(environment_factory=IncidentResponseToolEnv)`.

TRL makes one instance per generation, calls `reset(**row)` with the dataset row and uses the
returned text as the prompt; every public method with a docstring becomes a tool the model may
call; a reward function reads `reward` when the episode is over:

    def incident_reward(environments, **kwargs):
        return [env.reward for env in environments]

Each instance holds one WebSocket session (/ws) from `reset` until the episode ends (or the
instance is closed: `with IncidentResponseToolEnv() as env`), so the server must allow at least
`generation_batch_size` concurrent sessions (MAX_CONCURRENT_ENVS).
"""

from __future__ import annotations

import json
import os
from typing import Any, Dict, Optional

from .client import EnvServerError, IncidentResponseClient
from .models import IncidentResponseAction, IncidentResponseObservation

#: Dataset-row keys passed on to the environment's reset; any other key (prompt, ...) is ignored.
RESET_KEYS = ("task_id", "seed", "difficulty", "split", "family", "episode_id")


def render_observation(obs: IncidentResponseObservation) -> str:
    """The observation as compact text for a model: alerts, services, metrics, logs, what is allowed."""
    lines = [f"Step {obs.step}/{obs.max_steps}. {obs.message}", "", obs.task_description, "", "ALERTS:"]
    lines += [f"  {a}" for a in obs.alerts] or ["  (none)"]
    lines.append("SERVICES (owner; calls):")
    lines += [f"  {s.name} (owner {s.owner}; calls {', '.join(s.depends_on) or 'nothing'})" for s in obs.services]
    lines.append("METRICS:")
    lines += [f"  {name}: {json.dumps(m, separators=(',', ':'))}" for name, m in obs.metrics.items()]
    for name, log in obs.logs.items():
        lines.append(f"LOGS {name}:")
        lines += [f"  {line}" for line in log]
    for key in ("clock", "elapsed_minutes", "error_budget_remaining_pct"):
        if getattr(obs, key) is not None:
            lines.append(f"{key}: {getattr(obs, key)}")
    teams = [a.split(":", 1)[1] for a in obs.available_actions if a.startswith("escalate:")]
    fixes = [a.split(":", 1)[1] for a in obs.available_actions if a.startswith("apply_fix:")]
    lines.append(f"TEAMS: {', '.join(teams)}")
    lines.append(f"FIXES: {', '.join(fixes)}")
    return "\n".join(lines)


class IncidentResponseToolEnv:
    """One incident per instance; the model responds to it through the tools below."""

    def __init__(self, base_url: Optional[str] = None):
        self._base_url = base_url or os.environ.get("INCIDENT_ENV_URL", "http://localhost:7860")
        self._client: Optional[IncidentResponseClient] = None
        # The episode's graded score once it is over (0.0 before): what a reward function reads.
        self.reward: float = 0.0
        self.done: bool = False
        self.step_rewards: list = []

    def reset(self, **kwargs: Any) -> str:
        """Start a new incident from a dataset row (task_id, seed, difficulty, split, family); returns the prompt."""
        if self._client is None:
            self._client = IncidentResponseClient(self._base_url)
        options: Dict[str, Any] = {k: kwargs[k] for k in RESET_KEYS if k in kwargs and kwargs[k] is not None}
        result = self._client.reset(**options)
        self.reward, self.done, self.step_rewards = 0.0, False, []
        return render_observation(result.observation)

    def investigate(self, service: str, view: str = "") -> str:
        """Read one service's logs and detailed metrics.

        Args:
            service: A service name from the SERVICES list.
            view: Generated incidents only: "logs" runs just a log search (lines up to when it ran;
                search again for newer ones), "metrics" just opens the detailed metrics (they stay
                live), each in less simulated time than both. Leave empty for both.
        """
        return self._act(IncidentResponseAction(action_type="investigate", target=service, view=view or None))

    def escalate(self, team: str, details: str = "") -> str:
        """Page the team that owns the root-cause service, once the evidence shows it.

        Args:
            team: A team name from the TEAMS list.
            details: Why: the root cause and the evidence (read by the grader).
        """
        return self._act(IncidentResponseAction(action_type="escalate", target=team, details=details or None))

    def apply_fix(self, fix_id: str, details: str = "") -> str:
        """Apply the remediation that removes the root cause (a wrong one costs points and can do harm).

        Args:
            fix_id: A fix id from the FIXES list, e.g. "rollback@orders-service".
            details: Why this fix: the root cause and the evidence.
        """
        return self._act(IncidentResponseAction(action_type="apply_fix", target=fix_id, details=details or None))

    def submit_postmortem(self, text: str) -> str:
        """Write the postmortem; it ends the incident. Name the root-cause service, the mechanism, the trigger,
        the impact, a timeline, the remediation and prevention, and cite evidence ids ([ev-xxxx]).

        Args:
            text: The postmortem, in sentences or as a JSON object with those keys.
        """
        return self._act(IncidentResponseAction(action_type="postmortem", details=text))

    def _act(self, action: IncidentResponseAction) -> str:
        if self.done:
            return f"The incident is over; its score is {self.reward:.3f}."
        if self._client is None:
            raise RuntimeError("call reset() before using the tools")
        try:
            result = self._client.step(action)
        except EnvServerError as error:
            # An invalid action changes nothing: tell the model what was wrong and let it try again.
            return f"Invalid action ({error.code}): {error}"
        self.step_rewards.append(result.reward or 0.0)
        text = render_observation(result.observation)
        if result.done:
            self.done = True
            self.reward = self._client.state().score
            text += f"\n\nThe incident is over. Score: {self.reward:.3f}."
            # The session is over too: give its slot back (the next reset opens a new one).
            self._close()
        return text

    def _close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def __enter__(self) -> "IncidentResponseToolEnv":
        return self

    def __exit__(self, *exc: object) -> None:
        self._close()

    def __del__(self) -> None:
        try:
            self._close()
        except Exception:  # interpreter shutdown: nothing left to release
            pass
