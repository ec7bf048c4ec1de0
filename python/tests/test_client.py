"""The standalone WebSocket clients (blocking and asyncio) play episodes on a live server."""

import asyncio

import pytest

from incident_response import (
    AsyncIncidentResponseClient,
    EnvServerError,
    IncidentResponseAction,
    IncidentResponseClient,
    IncidentResponseEnv,
    ws_url,
)


def test_ws_url_follows_openenv():
    assert ws_url("http://h:1/") == "ws://h:1/ws"
    assert ws_url("https://h") == "wss://h/ws"
    assert ws_url("h:7860") == "ws://h:7860/ws"


def test_blocking_client_plays_task_easy_to_a_high_score(url):
    with IncidentResponseClient(url) as env:
        first = env.reset(task_id="task_easy")
        assert first.reward is None and not first.done
        assert any(s.name == "postgres-db" for s in first.observation.services)
        result = env.step(IncidentResponseAction(action_type="investigate", target="postgres-db"))
        assert result.reward == pytest.approx(0.3)
        assert result.reason and "investigated" in result.reason
        assert "postgres-db" in result.observation.logs
        env.step({"action_type": "escalate", "target": "database-team", "details": "root cause: postgres-db out of connections"})
        last = env.step(IncidentResponseAction(action_type="apply_fix", target="increase_db_connections"))
        state = env.state()
        assert last.done and state.done
        assert state.score > 0.9


def test_an_invalid_action_is_an_error_and_changes_nothing(url):
    with IncidentResponseClient(url) as env:
        env.reset(task_id="task_medium")
        with pytest.raises(EnvServerError) as caught:
            env.step({"action_type": "teleport"})
        assert caught.value.code == "VALIDATION_ERROR"
        assert env.state().step_count == 0


def test_the_exported_env_is_a_working_client(url):
    env = IncidentResponseEnv(url)
    try:
        assert env.reset(task_id="task_hard").observation.task_id == "task_hard"
    finally:
        env.close()


def test_async_client_plays_a_generated_incident_to_the_end(url):
    async def play():
        async with AsyncIncidentResponseClient(url) as env:
            result = await env.reset(task_id="generated", seed=5, difficulty="medium", split="test")
            assert result.observation.clock and result.observation.remedy_kinds  # generated-only fields, typed
            service = result.observation.services[0].name
            result = await env.step(IncidentResponseAction(action_type="investigate", target=service))
            assert service in result.observation.logs
            result = await env.step(IncidentResponseAction(action_type="postmortem", details="Root cause unknown; investigation incomplete."))
            assert result.done
            return await env.state()

    state = asyncio.run(play())
    assert state.done and 0 < state.score < 1
    assert state.ground_truth is not None
