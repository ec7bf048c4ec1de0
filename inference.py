#!/usr/bin/env python3
"""Baseline inference for Incident Response OpenEnv.

Plays every task against a running environment server with an OpenAI-compatible chat model
and prints, per task, exactly:

    [START] task=<id> env=<benchmark> model=<model>
    [STEP] step=<n> action=<action> reward=<0.00> done=<true|false> error=<msg|null>
    [END] success=<true|false> steps=<n> score=<0.000> rewards=<r1,r2,...>

Configuration (environment variables):
    API_BASE_URL  LLM endpoint (default https://router.huggingface.co/v1)
    MODEL_NAME    model (default Qwen/Qwen2.5-72B-Instruct)
    API_KEY, HF_TOKEN or OPENAI_API_KEY  the key, first one set wins
    ENV_URL       environment server (default http://localhost:7860)
    TASKS         comma-separated task ids (default task_easy,task_medium,task_hard)

[END] is printed even when something fails, and the exit code is always 0.
"""

import json
import os
import sys
import time
import uuid

import requests

try:
    from openai import OpenAI
except Exception:  # the contract is still printed without the package (fallback policy)
    OpenAI = None

API_BASE_URL = os.getenv("API_BASE_URL") or "https://router.huggingface.co/v1"
MODEL_NAME = os.getenv("MODEL_NAME") or "Qwen/Qwen2.5-72B-Instruct"
API_KEY = os.getenv("API_KEY") or os.getenv("HF_TOKEN") or os.getenv("OPENAI_API_KEY")
ENV_URL = (os.getenv("ENV_URL") or "http://localhost:7860").rstrip("/")
TASKS = [t.strip() for t in (os.getenv("TASKS") or "task_easy,task_medium,task_hard").split(",") if t.strip()]

BENCHMARK = "incident-response-openenv"
SUCCESS_THRESHOLD = 0.5
HTTP_TIMEOUT_S = 30
LLM_TIMEOUT_S = 30
# The whole run must stay well under 20 minutes: after this, stop calling the model.
LLM_BUDGET_S = float(os.getenv("LLM_BUDGET_S") or 900)
MAX_STEPS_GUARD = 60

SYSTEM_PROMPT = """You are the on-call SRE during a production incident. Each turn you get the current observation and reply with exactly one action as a JSON object, nothing else:
{"action_type": "investigate" | "escalate" | "apply_fix" | "postmortem" | "no_op", "target": "<service, team or fix id>", "details": "<optional text>"}

How to work:
- Alerts show where it hurts; the loudest alert is rarely the cause. Investigate a service to see its logs and detailed metrics.
- Follow the evidence along dependencies: a service whose logs blame a dependency is a symptom; the root cause fails on its own.
- Only after investigating the root cause: escalate to the team that owns it with details "Root cause: <service>. <what you saw>", then apply the fix that removes the cause.
- Paging the wrong team, applying the wrong fix, naming several candidate causes, or guessing all cost points. Your first root-cause statement is final.
- Finish with a postmortem in "details": root cause (one service), mechanism, impact, remediation and prevention.
Use only targets listed under "actions"."""


def one_line(text):
    return " ".join(str(text).split())


def log_start(task):
    print(f"[START] task={task} env={BENCHMARK} model={one_line(MODEL_NAME).replace(' ', '_')}", flush=True)


def log_step(step, action, reward, done, error):
    err = one_line(error) if error else "null"
    print(f"[STEP] step={step} action={one_line(action)} reward={reward:.2f} done={str(done).lower()} error={err}", flush=True)


def log_end(success, steps, score, rewards):
    score = min(0.99, max(0.01, score))
    print(f"[END] success={str(success).lower()} steps={steps} score={score:.3f} rewards={','.join(f'{r:.2f}' for r in rewards)}", flush=True)


def action_string(action):
    kind = action.get("action_type", "no_op")
    target = action.get("target") or ""
    return kind if kind in ("postmortem", "no_op") or not target else f"{kind}:{target}"


def targets(obs, kind):
    out = []
    for entry in obs.get("available_actions", []):
        head, _, tail = entry.partition(":")
        if head == kind:
            out.append(tail)
    return out


def render(obs, recent):
    lines = [f"task: {obs.get('task_id')} - {obs.get('task_description', '')}",
             f"step {obs.get('step')}/{obs.get('max_steps')}"]
    if obs.get("message"):
        lines.append(f"last result: {obs['message'][:300]}")
    if recent:
        lines.append("your recent actions: " + " | ".join(recent[-10:]))
    lines.append("alerts:")
    lines.extend(f"  {a}" for a in obs.get("alerts", []))
    investigated = set(obs.get("investigated", []))
    lines.append("services (name -> owner; depends on):")
    for s in obs.get("services", []):
        m = obs.get("metrics", {}).get(s["name"], {})
        mark = " [investigated]" if s["name"] in investigated else ""
        lines.append(f"  {s['name']} -> {s['owner']}; deps: {', '.join(s['depends_on']) or '-'}; "
                     f"err {m.get('error_rate', '?')} p99 {m.get('latency_p99_ms', '?')}ms{mark}")
    for name in obs.get("investigated", []):
        metrics = " ".join(f"{k}={v}" for k, v in obs.get("metrics", {}).get(name, {}).items())
        lines.append(f"{name} metrics: {metrics[:400]}")
        lines.extend(f"  {line[:220]}" for line in obs.get("logs", {}).get(name, [])[-12:])
    lines.append("actions:")
    lines.append("  investigate: " + ", ".join(targets(obs, "investigate")))
    lines.append("  escalate: " + ", ".join(targets(obs, "escalate")))
    lines.append("  apply_fix: " + ", ".join(targets(obs, "apply_fix")))
    lines.append("  postmortem (text in details), no_op")
    text = "\n".join(lines)
    return text if len(text) <= 12000 else text[:11960] + "\n... (truncated)"


def extract_json(reply):
    """The first JSON object in a reply, inside a ``` fence or not."""
    text = reply
    fence = text.find("```")
    if fence >= 0:
        end = text.find("```", fence + 3)
        inner = text[fence + 3:end if end >= 0 else len(text)]
        text = inner[4:] if inner.lower().startswith("json") else inner
    start = text.find("{")
    if start < 0:
        raise ValueError("no JSON object in the reply")
    depth, in_string, i = 0, False, start
    while i < len(text):
        ch = text[i]
        if in_string:
            if ch == "\\":
                i += 1
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return json.loads(text[start:i + 1])
        i += 1
    raise ValueError("unterminated JSON object in the reply")


def parse_action(reply, obs):
    data = extract_json(reply)
    if not isinstance(data, dict):
        raise ValueError("the reply is not a JSON object")
    kind = data.get("action_type")
    if kind not in ("investigate", "escalate", "apply_fix", "postmortem", "no_op"):
        raise ValueError(f"unknown action_type {kind!r}")
    target = str(data.get("target") or "")
    details = data.get("details")
    if kind in ("investigate", "escalate", "apply_fix") and target not in targets(obs, kind):
        raise ValueError(f"{target!r} is not a valid {kind} target; choose one of: {', '.join(targets(obs, kind))}")
    if kind == "postmortem" and not (details or "").strip():
        raise ValueError('a postmortem needs its text in "details"')
    action = {"action_type": kind, "target": target}
    if isinstance(details, str) and details:
        action["details"] = details[:20000]
    return action


def fallback_action(obs):
    """Safe when the model cannot be used: look at an alerting service not yet investigated."""
    seen = set(obs.get("investigated", []))
    services = {s["name"] for s in obs.get("services", [])}
    for alert in obs.get("alerts", []):
        if not (alert.startswith("[CRITICAL]") or alert.startswith("[WARNING]")):
            continue
        name = alert.split("]", 1)[1].split(":", 1)[0].strip()
        if name in services and name not in seen:
            return {"action_type": "investigate", "target": name}
    return {"action_type": "no_op", "target": ""}


class Agent:
    def __init__(self):
        self.client = None
        if OpenAI is None:
            print("The openai package is not installed: using the fallback policy.", file=sys.stderr)
        elif not API_KEY:
            print("No API key (API_KEY, HF_TOKEN or OPENAI_API_KEY): using the fallback policy.", file=sys.stderr)
        else:
            self.client = OpenAI(base_url=API_BASE_URL, api_key=API_KEY, timeout=LLM_TIMEOUT_S, max_retries=1)
        self.started = time.monotonic()
        self.failures = 0
        self.recent = []

    def act(self, obs):
        action = self._decide(obs)
        self.recent.append(action_string(action))
        return action

    def _decide(self, obs):
        if self.client is None or self.failures >= 3 or time.monotonic() - self.started > LLM_BUDGET_S:
            return fallback_action(obs)
        messages = [{"role": "system", "content": SYSTEM_PROMPT},
                    {"role": "user", "content": render(obs, self.recent)}]
        for attempt in range(2):
            try:
                res = self.client.chat.completions.create(model=MODEL_NAME, messages=messages,
                                                          temperature=0, max_tokens=600)
                reply = res.choices[0].message.content or ""
            except Exception as exc:  # network, HTTP or provider error
                self.failures += 1
                print(f"[llm] call failed: {one_line(exc)[:300]}", file=sys.stderr)
                return fallback_action(obs)
            try:
                action = parse_action(reply, obs)
                self.failures = 0
                return action
            except (ValueError, json.JSONDecodeError) as exc:
                print(f"[llm] malformed reply (attempt {attempt + 1}): {exc}", file=sys.stderr)
                messages.append({"role": "assistant", "content": reply[:2000]})
                messages.append({"role": "user", "content": f"That was not a valid action: {exc}. Reply with one JSON action object only."})
        self.failures += 1
        return fallback_action(obs)


def run_task(task, agent):
    log_start(task)
    agent.recent = []
    rewards, steps, score = [], 0, 0.01
    session = f"inference-{task}-{uuid.uuid4().hex[:12]}"
    headers = {"X-Session-Id": session}
    try:
        res = requests.post(f"{ENV_URL}/reset", params={"task_id": task}, headers=headers, timeout=HTTP_TIMEOUT_S)
        res.raise_for_status()
        obs, done = res.json(), False
        while not done and steps < MAX_STEPS_GUARD:
            action = agent.act(obs)
            error = None
            res = requests.post(f"{ENV_URL}/step", json=action, headers=headers, timeout=HTTP_TIMEOUT_S)
            if res.status_code == 422:
                error = res.json().get("message", "invalid action")
                action = {"action_type": "no_op", "target": ""}
                res = requests.post(f"{ENV_URL}/step", json=action, headers=headers, timeout=HTTP_TIMEOUT_S)
            res.raise_for_status()
            result = res.json()
            obs, done = result["observation"], bool(result["done"])
            reward = float(result["reward"]["value"])
            score = float(result.get("info", {}).get("score", score))
            steps += 1
            rewards.append(reward)
            log_step(steps, action_string(action), reward, done, error)
    except Exception as exc:  # an unreachable or failing environment still ends the task cleanly
        print(f"[{task}] {one_line(exc)[:300]}", file=sys.stderr)
    finally:
        log_end(score >= SUCCESS_THRESHOLD, steps, score, rewards)


def main():
    agent = Agent()
    for task in TASKS:
        run_task(task, agent)


if __name__ == "__main__":
    try:
        main()
    except Exception as exc:  # never exit non-zero
        print(f"inference failed: {one_line(exc)}", file=sys.stderr)
    sys.exit(0)
