"""A project's activity stream: what happened to the project and around it, newest first.

It gathers the Activities whose target is
- the project itself (edits, phase changes, gate items, notes and documents, which the
  services record against the project);
- one of its status updates, expenses, baselines or task constraints: these record their
  project in `data["project"]`, which still names it after the row is deleted;
- an item of its board (archived ones included; an item moved to another board takes its
  history along, and a deleted item's rows are no longer found here).

One query, whatever the page size: the actor and the target type come joined.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet

from boards.models import Item
from projects.models import Baseline, Expense, Project, StatusUpdate, TaskConstraint
from workos.activity.models import Activity

# Money: guests, who never see costs, don't see these either.
MONEY_MODELS = (Expense,)
CHILD_MODELS = (StatusUpdate, Expense, Baseline, TaskConstraint)


def project_activity(*, project: Project, with_money: bool = True) -> QuerySet[Activity]:
    types = ContentType.objects.get_for_models(Project, Item, *CHILD_MODELS,
                                               for_concrete_models=False)
    children = [types[m].pk for m in CHILD_MODELS if with_money or m not in MONEY_MODELS]
    board_items = Item.objects.filter(board_id=project.board_id).values("id")
    return (
        Activity.objects.filter(workspace_id=project.workspace_id)
        .filter(
            Q(target_type=types[Project], target_id=project.pk)
            | Q(target_type_id__in=children, data__project=project.pk)
            | Q(target_type=types[Item], target_id__in=board_items)
        )
        .select_related("actor", "target_type")
        .order_by("-created_at", "-id")
    )
