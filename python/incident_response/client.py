"""WebSocket clients for /ws, the OpenEnv session endpoint: one episode per connection.

`IncidentResponseClient` (blocking) and `AsyncIncidentResponseClient` (asyncio) need only
`websockets` and `pydantic`. They speak the frames OpenEnv's own client sends: `reset` with the
options as `data`, `step` with the action as `data`, `state`, `close`; one reply per request.
"""

from __future__ import annotations

import json
from typing import Any, Dict, Optional, Union

from .models import IncidentResponseAction, IncidentResponseObservation, IncidentResponseState, StepResult

ActionLike = Union[IncidentResponseAction, Dict[str, Any]]

#: Generous enough for the largest observation (a fully investigated expert incident is ~25 KB).
MAX_FRAME_BYTES = 16 * 1024 * 1024


class EnvServerError(RuntimeError):
    """The server answered with an error frame (e.g. VALIDATION_ERROR for an invalid action)."""

    def __init__(self, code: str, message: str, data: Dict[str, Any]):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.data = data


def ws_url(base_url: str) -> str:
    """http(s)://host[:port] → ws(s)://host[:port]/ws, as OpenEnv's client derives it."""
    url = base_url.rstrip("/")
    if url.startswith("https://"):
        url = "wss://" + url[len("https://") :]
    elif url.startswith("http://"):
        url = "ws://" + url[len("http://") :]
    elif not url.startswith(("ws://", "wss://")):
        url = "ws://" + url
    return url if url.endswith("/ws") else url + "/ws"


def _payload(action: ActionLike) -> Dict[str, Any]:
    # A dict goes as it is (as OpenEnv's client sends it): the server validates and explains.
    return action.model_dump(exclude_none=True) if isinstance(action, IncidentResponseAction) else dict(action)


def _reply(raw: Union[str, bytes], expected: str) -> Dict[str, Any]:
    frame = json.loads(raw)
    data = frame.get("data") or {}
    if frame.get("type") == "error":
        raise EnvServerError(str(data.get("code", "ERROR")), str(data.get("message", "")), data)
    if frame.get("type") != expected:
        raise EnvServerError("UNEXPECTED_FRAME", f"expected a {expected} frame, got {frame.get('type')!r}", data)
    return data


def parse_result(data: Dict[str, Any]) -> StepResult:
    observation = IncidentResponseObservation.model_validate(data.get("observation") or {})
    return StepResult(observation=observation, reward=data.get("reward"), done=bool(data.get("done", False)), reason=observation.reward_reason)


class IncidentResponseClient:
    """Blocking client. Use as a context manager, or call `close()`."""

    def __init__(self, base_url: str = "http://localhost:7860", open_timeout: float = 10.0, timeout: float = 60.0):
        from websockets.sync.client import connect

        self._timeout = timeout
        # Entered by hand: the connection lives as long as this client, not one `with` block.
        self._ws = connect(ws_url(base_url), open_timeout=open_timeout, max_size=MAX_FRAME_BYTES).__enter__()

    def _request(self, frame: Dict[str, Any], expected: str) -> Dict[str, Any]:
        self._ws.send(json.dumps(frame))
        return _reply(self._ws.recv(timeout=self._timeout), expected)

    def reset(self, **options: Any) -> StepResult:
        """Start an episode: task_id, seed, episode_id, and for `generated` difficulty, split, family."""
        return parse_result(self._request({"type": "reset", "data": options}, "observation"))

    def step(self, action: ActionLike) -> StepResult:
        return parse_result(self._request({"type": "step", "data": _payload(action)}, "observation"))

    def state(self) -> IncidentResponseState:
        return IncidentResponseState.model_validate(self._request({"type": "state"}, "state"))

    def close(self) -> None:
        try:
            self._ws.send(json.dumps({"type": "close"}))
        except Exception:  # the connection may already be gone; closing is best effort
            pass
        self._ws.close()

    def __enter__(self) -> "IncidentResponseClient":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AsyncIncidentResponseClient:
    """The same client for asyncio: `async with AsyncIncidentResponseClient(url) as env: ...`."""

    def __init__(self, base_url: str = "http://localhost:7860", open_timeout: float = 10.0, timeout: float = 60.0):
        self._url = ws_url(base_url)
        self._open_timeout = open_timeout
        self._timeout = timeout
        self._ws: Optional[Any] = None

    async def connect(self) -> "AsyncIncidentResponseClient":
        from websockets.asyncio.client import connect

        self._ws = await connect(self._url, open_timeout=self._open_timeout, max_size=MAX_FRAME_BYTES)
        return self

    async def _request(self, frame: Dict[str, Any], expected: str) -> Dict[str, Any]:
        import asyncio

        if self._ws is None:
            await self.connect()
        assert self._ws is not None
        await self._ws.send(json.dumps(frame))
        return _reply(await asyncio.wait_for(self._ws.recv(), self._timeout), expected)

    async def reset(self, **options: Any) -> StepResult:
        return parse_result(await self._request({"type": "reset", "data": options}, "observation"))

    async def step(self, action: ActionLike) -> StepResult:
        return parse_result(await self._request({"type": "step", "data": _payload(action)}, "observation"))

    async def state(self) -> IncidentResponseState:
        return IncidentResponseState.model_validate(await self._request({"type": "state"}, "state"))

    async def close(self) -> None:
        if self._ws is None:
            return
        try:
            await self._ws.send(json.dumps({"type": "close"}))
        except Exception:  # best effort, as above
            pass
        await self._ws.close()
        self._ws = None

    async def __aenter__(self) -> "AsyncIncidentResponseClient":
        return await self.connect()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()
