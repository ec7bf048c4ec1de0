"""Python client of Incident Response OpenEnv.

- `IncidentResponseEnv`: OpenEnv's `EnvClient` subclass when `openenv-core` is installed, else the
  standalone blocking WebSocket client (the same reset/step/state/close);
- `IncidentResponseClient`, `AsyncIncidentResponseClient`: the standalone clients (websockets + pydantic);
- `IncidentResponseToolEnv`: a TRL `environment_factory` class;
- the typed models, checked against the server's GET /schema.
"""

from .client import AsyncIncidentResponseClient, EnvServerError, IncidentResponseClient, ws_url
from .models import (
    IncidentResponseAction,
    IncidentResponseObservation,
    IncidentResponseState,
    ServiceInfo,
    StepResult,
)
from .openenv_client import OPENENV_AVAILABLE, OpenEnvIncidentResponseEnv
from .tool_env import IncidentResponseToolEnv

IncidentResponseEnv = OpenEnvIncidentResponseEnv if OpenEnvIncidentResponseEnv is not None else IncidentResponseClient

__all__ = [
    "AsyncIncidentResponseClient",
    "EnvServerError",
    "IncidentResponseAction",
    "IncidentResponseClient",
    "IncidentResponseEnv",
    "IncidentResponseObservation",
    "IncidentResponseState",
    "IncidentResponseToolEnv",
    "OPENENV_AVAILABLE",
    "ServiceInfo",
    "StepResult",
    "ws_url",
]
