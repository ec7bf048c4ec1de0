"""Typed actions, observations and state of Incident Response OpenEnv.

They mirror the JSON Schemas the server publishes at GET /schema (a test compares them, so they
cannot drift). Observations and state allow extra fields, so a newer server may add more.
"""

from __future__ import annotations

from typing import Any, Dict, List, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field

ActionType = Literal["investigate", "escalate", "apply_fix", "postmortem", "no_op"]
InvestigationView = Literal["logs", "metrics"]


class IncidentResponseAction(BaseModel):
    """One action. `target` is a service (investigate), a team (escalate) or a fix id (apply_fix)."""

    model_config = ConfigDict(extra="forbid")

    action_type: ActionType
    target: str = Field(default="", max_length=200)
    details: Optional[str] = Field(default=None, max_length=20_000)
    # Generated incidents, investigate only: "logs" or "metrics" alone; None fetches both.
    view: Optional[InvestigationView] = None
    metadata: Dict[str, Any] = Field(default_factory=dict)


class ServiceInfo(BaseModel):
    model_config = ConfigDict(extra="allow")

    name: str
    owner: str
    depends_on: List[str]


class IncidentResponseObservation(BaseModel):
    """What the responder sees: alerts, logs of investigated services, metrics, valid actions."""

    model_config = ConfigDict(extra="allow")

    step: int
    alerts: List[str]
    logs: Dict[str, List[str]]
    metrics: Dict[str, Dict[str, float]]
    available_actions: List[str]
    message: str
    task_id: str
    task_description: str
    max_steps: int
    services: List[ServiceInfo]
    investigated: List[str]
    reward_reason: Optional[str] = None
    # Generated incidents only:
    remedy_kinds: Optional[Dict[str, str]] = None
    metric_evidence: Optional[Dict[str, str]] = None
    logs_as_of: Optional[Dict[str, float]] = None
    elapsed_minutes: Optional[float] = None
    clock: Optional[str] = None
    error_budget_remaining_pct: Optional[float] = None
    scenario: Optional[Dict[str, Any]] = None


class IncidentResponseState(BaseModel):
    """The episode's state: score, history, grading (ground truth only once the episode is over)."""

    model_config = ConfigDict(extra="allow")

    episode_id: Optional[str]
    step_count: int
    task_id: str
    step: int
    max_steps: int
    score: float
    done: bool
    cumulative_reward: float
    history: List[Dict[str, Any]]
    grader_state: Dict[str, Any]
    rubric: List[Dict[str, Any]]
    penalties: List[Dict[str, Any]]
    ground_truth: Optional[Dict[str, Any]]


class StepResult(BaseModel):
    """A reset or step outcome (`reward` and `reason` are None after a reset)."""

    observation: IncidentResponseObservation
    reward: Optional[float] = None
    done: bool = False
    reason: Optional[str] = None
