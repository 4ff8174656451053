"""Workflow models as data: nodes, their tasks, buttons and transitions.

A model's variables belong to each instance; a node's variables to the node
(its task's form). Assignees, conditions and variable updates are
expressions (``expressions.py``). The two default models follow Nuxeo's
SerialDocumentReview and ParallelDocumentReview: the same node ids, task
names, directives, buttons and variables, so that clients written for
Nuxeo find what they expect.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

START = "start"
TASK = "task"
END = "end"


@dataclass(frozen=True, slots=True)
class Button:
    id: str
    label: str
    # Whether the task form must be valid to press it (Nuxeo's "validate").
    validate: bool = True
    # Variables (workflow or node) that must not be empty to press it.
    requires: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Transition:
    target: str
    # An expression; None: always. The first transition whose condition holds is taken.
    condition: str | None = None
    # Workflow variables set on the way: name -> expression.
    updates: Mapping[str, str] = field(default_factory=dict)
    label: str = ""


@dataclass(frozen=True, slots=True)
class Node:
    id: str
    kind: str
    title: str = ""
    directive: str = ""
    # An expression giving a list of actors ("user:x", "group:y").
    assignees: str | None = None
    # One task per actor, all to end before the node does.
    multiple_tasks: bool = False
    buttons: tuple[Button, ...] = ()
    # Node variables and their defaults.
    variables: Mapping[str, Any] = field(default_factory=dict)
    transitions: tuple[Transition, ...] = ()
    # Workflow variables updated when each task ends: name -> expression.
    on_task_end: Mapping[str, str] = field(default_factory=dict)
    # A lifecycle transition the attached documents follow on entering (end nodes).
    lifecycle_transition: str | None = None
    # The state an instance ends in at this (end) node.
    final_state: str = "done"
    # A task is due at the date this expression gives, else due_days from now.
    due: str | None = None
    due_days: int = 5
    # The button a task still open past its due date is ended with, by the
    # system (Nuxeo's escalation rules); None: overdue tasks wait.
    escalation: str | None = None

    def button(self, button_id: str) -> Button | None:
        return next((b for b in self.buttons if b.id == button_id), None)


@dataclass(frozen=True, slots=True)
class WorkflowModel:
    name: str
    title: str
    variables: Mapping[str, Any]
    nodes: tuple[Node, ...]
    description: str = ""

    def node(self, node_id: str) -> Node:
        found = next((n for n in self.nodes if n.id == node_id), None)
        if found is None:
            raise KeyError(f"model {self.name} has no node {node_id}")
        return found

    @property
    def start(self) -> Node:
        return next(n for n in self.nodes if n.kind == START)


_INITIATOR = '["user:" + initiator]'
_SERIAL = "wf.serialDocumentReview"
_PARALLEL = "wf.parallelDocumentReview"

SERIAL_DOCUMENT_REVIEW = WorkflowModel(
    name="SerialDocumentReview",
    title=f"{_SERIAL}.SerialDocumentReview",
    description="Each participant in turn validates (or reviews) the document; "
    "a rejection goes back to the previous one, or to the initiator.",
    variables={
        "participants": [],
        "validationOrReview": "validation",
        "initiatorComment": None,
        "index": 0,
    },
    nodes=(
        Node("start", START, "Start", transitions=(Transition("Task38e"),)),
        Node(
            "Task38e",
            TASK,
            f"{_SERIAL}.chooseParticipants",
            f"{_SERIAL}.pleaseSelect",
            assignees=_INITIATOR,
            buttons=(
                Button("cancel", f"{_SERIAL}.cancel", validate=False),
                Button("start_review", f"{_SERIAL}.startReview", requires=("participants",)),
            ),
            variables={"comment": None, "participants": [], "validationOrReview": "validation"},
            transitions=(
                Transition("Task6d8", 'button == "start_review"', {"index": "0"}, "start_review"),
                Transition("canceled", 'button == "cancel"', label="cancel"),
            ),
        ),
        Node(
            "Task6d8",
            TASK,
            f"{_SERIAL}.DocumentValidation",
            f"{_SERIAL}.AcceptReject",
            assignees='prefixed([workflow.participants[workflow.index]], "user:")',
            buttons=(
                Button("reject", f"{_SERIAL}.Reject", validate=False),
                Button("validate", f"{_SERIAL}.Validate"),
            ),
            variables={"comment": None},
            transitions=(
                Transition(
                    "Task6d8",
                    'button == "validate" and workflow.index + 1 < len(workflow.participants)',
                    {"index": "workflow.index + 1"},
                    "next participant",
                ),
                Transition(
                    "approved",
                    'button == "validate" and workflow.validationOrReview == "validation"',
                    label="validate",
                ),
                Transition("reviewed", 'button == "validate"', label="reviewed"),
                Transition(
                    "Task6d8",
                    'button == "reject" and workflow.index > 0',
                    {"index": "workflow.index - 1"},
                    "previous participant",
                ),
                Transition("Task542", 'button == "reject"', label="reject"),
            ),
        ),
        Node(
            "Task542",
            TASK,
            f"{_SERIAL}.updateRequest",
            f"{_SERIAL}.updateRequest.directive",
            assignees=_INITIATOR,
            buttons=(
                Button("cancel", f"{_SERIAL}.cancel", validate=False),
                Button("submit", f"{_SERIAL}.submit"),
            ),
            variables={"comment": None},
            transitions=(
                Transition("Task6d8", 'button == "submit"', {"index": "0"}, "submit"),
                Transition("canceled", 'button == "cancel"', label="cancel"),
            ),
        ),
        Node("approved", END, "Approved", lifecycle_transition="approve"),
        Node("reviewed", END, "Reviewed"),
        Node("canceled", END, "Canceled", final_state="canceled"),
    ),
)

PARALLEL_DOCUMENT_REVIEW = WorkflowModel(
    name="ParallelDocumentReview",
    title=f"{_PARALLEL}.ParallelDocumentReview",
    description="Every participant gives an opinion at once; the initiator then "
    "validates or rejects the document.",
    variables={
        "participants": [],
        "end_date": None,
        "initiatorComment": None,
        "review_result": "",
    },
    nodes=(
        Node("start", START, "Start", transitions=(Transition("Task2556"),)),
        Node(
            "Task2556",
            TASK,
            f"{_PARALLEL}.chooseParticipants.title",
            f"{_PARALLEL}.chooseParticipants.directive",
            assignees=_INITIATOR,
            buttons=(
                Button("cancel", f"{_PARALLEL}.cancel", validate=False),
                Button("start_review", f"{_PARALLEL}.startReview", requires=("participants",)),
            ),
            variables={"comment": None, "participants": [], "end_date": None, "assignees": []},
            transitions=(
                Transition("Task328d", 'button == "start_review"', label="start_review"),
                Transition("canceled", 'button == "cancel"', label="cancel"),
            ),
        ),
        Node(
            "Task328d",
            TASK,
            f"{_PARALLEL}.give_opinion.title",
            f"{_PARALLEL}.give_opinion.directive",
            assignees='prefixed(workflow.participants, "user:")',
            multiple_tasks=True,
            buttons=(
                Button("approve", f"{_PARALLEL}.approve"),
                Button("reject", f"{_PARALLEL}.reject"),
                Button("NA", f"{_PARALLEL}.NA", validate=False),
            ),
            variables={"comment": None},
            on_task_end={
                "review_result": 'workflow.review_result + actor + " : " + button + "; "',
            },
            # Past the review's end date, the opinions not given are N/A.
            due="workflow.end_date",
            escalation="NA",
            transitions=(Transition("Task2169", label="consolidate"),),
        ),
        Node(
            "Task2169",
            TASK,
            f"{_PARALLEL}.consolidate.title",
            f"{_PARALLEL}.consolidate.directive",
            assignees=_INITIATOR,
            buttons=(
                Button("reject", f"{_PARALLEL}.reject", validate=False),
                Button("validate", f"{_PARALLEL}.validate"),
            ),
            variables={"comment": None},
            transitions=(
                Transition("approved", 'button == "validate"', label="validate"),
                Transition("rejected", 'button == "reject"', label="reject"),
            ),
        ),
        Node("approved", END, "Approved", lifecycle_transition="approve"),
        Node("rejected", END, "Rejected"),
        Node("canceled", END, "Canceled", final_state="canceled"),
    ),
)

DEFAULT_MODELS = (SERIAL_DOCUMENT_REVIEW, PARALLEL_DOCUMENT_REVIEW)


def _created_task(name: str, one_per_actor: bool) -> WorkflowModel:
    """Tasks made by ``Task.Create``: no workflow of their own, one task node
    accepted or rejected. The task's name, directive, due date, actors and
    the chains run on accept or reject are the instance's variables."""
    return WorkflowModel(
        name=name,
        title=name,
        variables={
            "taskName": None,
            "directive": None,
            "comment": None,
            "actors": [],
            "dueDate": None,
            "acceptChain": None,
            "rejectChain": None,
        },
        nodes=(
            Node("start", START, "Start", transitions=(Transition("task"),)),
            Node(
                "task",
                TASK,
                assignees="workflow.actors",
                multiple_tasks=one_per_actor,
                buttons=(
                    Button("accept", "accept", validate=False),
                    Button("reject", "reject", validate=False),
                ),
                variables={"comment": None},
                due="workflow.dueDate",
                transitions=(Transition("end"),),
            ),
            Node("end", END, "End"),
        ),
    )


# Never listed as models, nor their instances as running workflows.
CREATED_TASK = _created_task("createdTask", one_per_actor=False)
CREATED_TASK_PER_ACTOR = _created_task("createdTaskPerActor", one_per_actor=True)
CREATED_TASK_MODELS = frozenset({CREATED_TASK.name, CREATED_TASK_PER_ACTOR.name})
