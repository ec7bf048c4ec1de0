"""The official Python MCP SDK plays incidents over MCP Streamable HTTP (POST/GET/DELETE /mcp)."""

import asyncio
import json

import pytest

mcp = pytest.importorskip("mcp")


def structured(result):
    data = getattr(result, "structured_content", None)
    if data is None:
        data = getattr(result, "structuredContent", None)
    if data is None:  # fall back to the text content
        data = json.loads(result.content[0].text)
    return data


def is_error(result):
    return bool(getattr(result, "is_error", getattr(result, "isError", False)))


async def with_session(url, play):
    """An MCP session on the SDK's high-level client (mcp 2.x) or ClientSession (mcp 1.x)."""
    if hasattr(mcp, "Client"):
        async with mcp.Client(f"{url}/mcp") as client:
            return await play(client.call_tool, client.list_tools)
    from mcp import ClientSession
    from mcp.client.streamable_http import streamablehttp_client

    async with streamablehttp_client(f"{url}/mcp") as (read, write, _session_id):
        async with ClientSession(read, write) as session:
            await session.initialize()
            return await play(session.call_tool, session.list_tools)


async def tool(call, name, args):
    """Calls a tool that must succeed, and returns its structured result."""
    result = await call(name, args)
    assert not is_error(result), result.content
    return structured(result)


def run(url, play):
    return asyncio.run(with_session(url, play))


def test_lists_the_tools(url):
    async def play(call, list_tools):
        return [t.name for t in (await list_tools()).tools]

    names = run(url, play)
    for name in ["start_incident", "investigate", "escalate", "apply_fix", "submit_postmortem", "view_incident"]:
        assert name in names


def test_plays_a_seed_task_to_its_final_score(url):
    async def play(call, list_tools):
        await tool(call, "start_incident", {"task_id": "task_easy"})
        investigated = await tool(call, "investigate", {"service": "postgres-db"})
        assert investigated["reward"] == pytest.approx(0.3)
        await tool(call, "escalate", {"team": "database-team", "details": "root cause: postgres-db is out of connections"})
        fixed = await tool(call, "apply_fix", {"fix_id": "increase_db_connections"})
        assert fixed["done"] is True
        return await tool(call, "view_incident", {})

    final = run(url, play)
    assert final["done"] is True and final["score"] > 0.9


def test_plays_a_generated_incident_to_its_final_score(url):
    async def play(call, list_tools):
        started = await tool(call, "start_incident", {"task_id": "generated", "seed": 3, "difficulty": "hard", "split": "test"})
        services = [s["name"] for s in started["observation"]["services"]]
        step = await tool(call, "investigate", {"service": services[0]})
        assert step["observation"]["step"] == 1  # the same episode across calls
        done = await tool(call, "submit_postmortem", {"text": "Root cause not found; the investigation was cut short and nothing was changed."})
        assert done["done"] is True
        return await tool(call, "view_incident", {})

    final = run(url, play)
    assert final["done"] is True and 0 < final["score"] < 0.5


def test_an_unknown_tool_is_an_error(url):
    async def play(call, list_tools):
        try:
            result = await call("toString", {})
        except Exception as error:  # the SDK may raise the JSON-RPC error
            return str(error)
        return json.dumps([c.text for c in result.content]) if is_error(result) else "no error"

    assert "Tool not found" in run(url, play)
