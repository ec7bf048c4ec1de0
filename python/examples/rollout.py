#!/usr/bin/env python3
"""One rollout the way TRL's GRPOTrainer drives an `environment_factory` class: the tools are the
class's public methods (schemas from their signatures and docstrings), the model answers with tool
calls, each result goes back into the conversation, and the reward is read once the episode ends.

A scripted model stands in for the LLM here (it replays a fixed set of tool calls for task_easy),
so the loop runs anywhere. Usage: python examples/rollout.py [http://localhost:7860]
"""

from __future__ import annotations

import inspect
import json
import sys
from typing import Any, Dict, List, Optional

from incident_response import IncidentResponseToolEnv


def tool_schemas(cls: type) -> List[Dict[str, Any]]:
    """What a trainer derives from the class: one function tool per public method but reset."""
    tools = []
    for name, fn in inspect.getmembers(cls, inspect.isfunction):
        if name.startswith("_") or name == "reset":
            continue
        params = {p: {"type": "string"} for p in inspect.signature(fn).parameters if p != "self"}
        required = [p for p, v in inspect.signature(fn).parameters.items() if p != "self" and v.default is inspect.Parameter.empty]
        doc = inspect.getdoc(fn) or ""
        tools.append({"type": "function", "function": {"name": name, "description": doc.split("\n\n")[0], "parameters": {"type": "object", "properties": params, "required": required}}})
    return tools


POSTMORTEM = json.dumps({
    "root_cause": "The root cause was postgres-db: it ran out of connections.",
    "mechanism": "postgres-db hit its max_connections limit, so new connections were refused and payment-service requests failed with 500s while they waited for a pooled connection.",
    "trigger": "A reporting batch job opened a burst of connections to postgres-db.",
    "impact": "payment-service returned 500 errors to users until the limit was raised.",
    "timeline": "The connection errors began, the payment-service alert fired, postgres-db was investigated, the database team was paged and the limit was raised.",
    "remediation": "We increased the postgres-db connection limit and the errors stopped.",
    "prevention": "Give batch jobs their own connection budget, alert on connection saturation and load test the pool limits.",
})

SCRIPT = [
    ("investigate", {"service": "postgres-db"}),
    ("escalate", {"team": "database-team", "details": "Root cause: postgres-db has hit its connection limit (too many clients)."}),
    ("apply_fix", {"fix_id": "increase_db_connections", "details": "postgres-db is out of connections."}),
    ("submit_postmortem", {"text": POSTMORTEM}),
]


def scripted_model(messages: List[Dict[str, Any]], tools: List[Dict[str, Any]]) -> Optional[Dict[str, Any]]:
    """Stands in for the LLM: the next tool call, or None to stop."""
    turn = sum(1 for m in messages if m["role"] == "tool")
    if turn >= len(SCRIPT):
        return None
    name, args = SCRIPT[turn]
    assert any(t["function"]["name"] == name for t in tools), f"{name} is not a tool"
    return {"name": name, "arguments": args}


def rollout(env: IncidentResponseToolEnv, row: Dict[str, Any], max_turns: int = 20) -> Dict[str, Any]:
    tools = tool_schemas(type(env))
    messages: List[Dict[str, Any]] = [
        {"role": "system", "content": "You are the on-call SRE. Use the tools to find the root cause, page its owner, fix it and write the postmortem."},
        {"role": "user", "content": env.reset(**row)},
    ]
    for _ in range(max_turns):
        call = scripted_model(messages, tools)
        if call is None:
            break
        messages.append({"role": "assistant", "tool_calls": [{"type": "function", "function": {"name": call["name"], "arguments": json.dumps(call["arguments"])}}]})
        messages.append({"role": "tool", "name": call["name"], "content": getattr(env, call["name"])(**call["arguments"])})
        if env.done:
            break
    return {"reward": env.reward, "done": env.done, "turns": sum(1 for m in messages if m["role"] == "tool"), "tools": [t["function"]["name"] for t in tools]}


if __name__ == "__main__":
    env = IncidentResponseToolEnv(sys.argv[1] if len(sys.argv) > 1 else None)
    print(json.dumps(rollout(env, {"task_id": "task_easy"})))
