"""`IncidentResponseEnv` as a subclass of OpenEnv's `EnvClient`, when `openenv-core` is installed.

It then gets everything OpenEnv's clients have (`from_docker_image`, `from_env`, the sync wrapper)
and parses replies into this package's typed models. Without openenv-core, `IncidentResponseEnv`
is the standalone `IncidentResponseClient` (same reset/step/state/close).
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Type

from .models import IncidentResponseAction, IncidentResponseObservation, IncidentResponseState

OPENENV_AVAILABLE = False
OpenEnvIncidentResponseEnv: Optional[Type[Any]] = None

try:  # pragma: no cover - exercised only where openenv-core is installed
    from openenv.core.client_types import StepResult as _OpenEnvStepResult
    from openenv.core.env_client import EnvClient as _EnvClient

    class _IncidentResponseEnv(_EnvClient[IncidentResponseAction, IncidentResponseObservation, IncidentResponseState]):  # type: ignore[misc]
        """OpenEnv client for Incident Response OpenEnv (WebSocket /ws)."""

        def _step_payload(self, action: IncidentResponseAction) -> Dict[str, Any]:
            return action.model_dump(exclude_none=True)

        def _parse_result(self, payload: Dict[str, Any]) -> "_OpenEnvStepResult[IncidentResponseObservation]":
            return _OpenEnvStepResult(
                observation=IncidentResponseObservation.model_validate(payload.get("observation") or {}),
                reward=payload.get("reward"),
                done=bool(payload.get("done", False)),
            )

        def _parse_state(self, payload: Dict[str, Any]) -> IncidentResponseState:
            return IncidentResponseState.model_validate(payload)

    OpenEnvIncidentResponseEnv = _IncidentResponseEnv
    OPENENV_AVAILABLE = True
except ImportError:
    pass
