"""Projects: a board with an outcome, a manager, dates, a phase, a health and a budget, and what
hangs off it: gate checklists, baselines, status updates, expenses; goals and key results."""

from .baselines import Baseline, BaselineTask, TaskConstraint
from .gates import GateCheck, GateItem, PhaseTransition
from .goals import Goal, KeyResult, KeyResultKind
from .money import Expense
from .project import Health, Phase, Project, ScheduleMode
from .status_updates import StatusUpdate

__all__ = [
    "Baseline", "BaselineTask", "Expense", "GateCheck", "GateItem", "Goal", "Health", "KeyResult",
    "KeyResultKind", "Phase", "PhaseTransition", "Project", "ScheduleMode", "StatusUpdate",
    "TaskConstraint",
]
