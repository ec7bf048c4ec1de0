"""The TRL environment_factory class plays a full episode through its tools."""

import inspect
import json
import os
import subprocess
import sys

from incident_response import IncidentResponseToolEnv

TOOLS = ["apply_fix", "escalate", "investigate", "submit_postmortem"]


def public_methods():
    return sorted(n for n, _ in inspect.getmembers(IncidentResponseToolEnv, inspect.isfunction) if not n.startswith("_"))


def test_public_methods_are_reset_and_documented_tools():
    assert public_methods() == sorted(TOOLS + ["reset"])
    for name in TOOLS:
        doc = inspect.getdoc(getattr(IncidentResponseToolEnv, name))
        assert doc and "Args:" in doc, name
        for param in inspect.signature(getattr(IncidentResponseToolEnv, name)).parameters:
            if param != "self":
                assert f"{param}:" in doc, (name, param)


def test_a_full_episode_through_the_tools(url):
    env = IncidentResponseToolEnv(url)
    prompt = env.reset(task_id="task_medium", prompt="ignored by reset")
    assert "ALERTS:" in prompt and "redis-cache" in prompt and "FIXES:" in prompt
    assert env.reward == 0.0 and not env.done
    text = env.investigate(service="redis-cache")
    assert "LOGS redis-cache:" in text
    # An invalid action is reported to the model, not raised, and changes nothing.
    assert env.apply_fix(fix_id="reboot_the_internet").startswith("Invalid action")
    env.escalate(team="infra-team", details="Root cause: redis-cache is out of memory (OOM).")
    env.apply_fix(fix_id="flush_redis_cache", details="redis-cache is out of memory")
    final = env.submit_postmortem(
        text="Root cause: redis-cache ran out of memory (OOM) because keys had no TTL and eviction was off. "
        "inventory-service fell back to slow database reads and checkout-service timed out. "
        "We flushed the cache; we will set TTLs, enable LRU eviction and alert on memory."
    )
    assert env.done and "Score:" in final
    assert 0.5 < env.reward < 1
    assert env.investigate(service="redis-cache").startswith("The incident is over")
    assert env._client is None  # the session was given back when the episode ended


def test_example_rollout_runs_and_reports_a_reward(url):
    example = os.path.join(os.path.dirname(__file__), "..", "examples", "rollout.py")
    out = subprocess.run([sys.executable, example, url], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert report["done"] is True and report["reward"] > 0.9
    assert sorted(report["tools"]) == TOOLS
