"""Project pages: the projects list (the portfolio), one project's page and its Gantt chart.

Reads go through the projects selectors; every write on these pages is a call to the REST API
from the page's script, so permissions and refusals are the API's own. The permission checks
below only decide which controls to offer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from projects.models import Health, Phase, Project
from projects.selectors import project_get
from projects.selectors.baselines import baseline_get, baseline_variance
from projects.selectors.closeout import closeout_figures
from projects.selectors.gantt import gantt_data
from projects.selectors.gates import PHASE_ORDER, gate_status, next_phase
from projects.selectors.portfolio import PortfolioFilters, portfolio_rows
from projects.selectors.summary import project_summary
from projects.services.access import is_workspace_admin, require_project_edit
from projects.services.status_updates import require_project_voice
from workos.errors import DomainError
from workos.pages import page_context, workspace_page
from workos.tenancy.models import Membership, Role

VARIANCE_ROWS = 25
PAGE_PARTS = {"gate": "projects/_gate.html", "status": "projects/_status.html"}


def _choice(value: str | None, choices: list[str]) -> str | None:
    return value if value in choices else None


@workspace_page
def project_list_page(request: HttpRequest, ws: str) -> HttpResponse:
    membership: Membership = request.membership  # type: ignore[attr-defined]
    filters = PortfolioFilters(
        phase=_choice(request.GET.get("phase"), Phase.values),
        health=_choice(request.GET.get("health"), Health.values),
        manager=membership.pk if request.GET.get("mine") == "1" else None,
    )
    rows = portfolio_rows(workspace=membership.workspace, membership=membership, filters=filters)
    return render(request, "projects/list.html", page_context(
        request, section="projects", rows=rows, filters=filters, phases=Phase.choices,
        healths=Health.choices, money=membership.role != Role.GUEST,
    ))


def _allowed(check: Callable[..., None], **kwargs: Any) -> bool:
    try:
        check(**kwargs)
    except DomainError:
        return False
    return True


def _phase_steps(project: Project) -> list[dict[str, str]]:
    current = PHASE_ORDER.index(project.phase)
    labels = dict(Phase.choices)
    return [{"phase": phase, "label": labels[phase],
             "state": "done" if n < current else "current" if n == current else "upcoming"}
            for n, phase in enumerate(PHASE_ORDER)]


def _variance(project: Project) -> dict[str, Any] | None:
    """The reference baseline's variance, the largest slips first."""
    if project.reference_baseline_id is None:
        return None
    baseline = baseline_get(project=project, id=project.reference_baseline_id)
    answer = baseline_variance(project, baseline)
    changed = [row for row in answer["tasks"]
               if row["change"] != "kept" or row["finish_variance_days"]
               or row["start_variance_days"]]
    changed.sort(key=lambda row: (-abs(row["finish_variance_days"] or 0), row["name"]))
    return {"baseline": baseline, "finish_variance_days": answer["finish_variance_days"],
            "tasks": changed[:VARIANCE_ROWS], "more": max(0, len(changed) - VARIANCE_ROWS),
            "total": len(answer["tasks"])}


def _budget_bars(budget: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Budget, actual cost and forecast as bars on one scale (the largest is 100 %)."""
    if budget is None:
        return []
    figures = [("Budget", "budget", budget["budget"]),
               ("Actual cost", "actual", budget["actual"]["total"]),
               ("Forecast", "forecast", budget["forecast_at_completion"])]
    scale = max((value for _, _, value in figures if value is not None), default=0)
    if not scale:
        return []
    return [{"label": label, "kind": kind, "y": 30 * n,
             # A string: an SVG length, whatever the locale's decimal separator.
             "percent": f"{float(value * 100 / scale):.1f}" if value is not None else None}
            for n, (label, kind, value) in enumerate(figures)]


def _project_context(request: HttpRequest, project: Project) -> dict[str, Any]:
    membership: Membership = request.membership  # type: ignore[attr-defined]
    money = membership.role != Role.GUEST
    is_open = project.phase != Phase.CLOSED
    gates = gate_status(project)
    current_gate = next((g for g in gates if g.phase == project.phase), None)
    closeout = None
    if project.phase == Phase.CLOSING:
        closeout = closeout_figures(project)
    elif project.phase == Phase.CLOSED:
        closeout = project.closeout_report or None
    summary = project_summary(project, with_money=money)
    return page_context(
        request, section="projects", project=project, board=project.board, money=money,
        summary=summary, budget_bars=_budget_bars(summary["budget"]),
        steps=_phase_steps(project), gate=current_gate,
        next_phase=None if project.is_template else next_phase(project.phase),
        health_choices=Health.choices,
        can_edit=is_open and _allowed(require_project_edit, project=project, actor=membership,
                                      doing="Changing the project"),
        can_post_status=is_open and _allowed(require_project_voice, project=project,
                                             actor=membership, doing="Posting an update"),
        is_admin=is_workspace_admin(membership),
        variance=_variance(project), closeout=closeout,
    )


@workspace_page
def project_page(request: HttpRequest, ws: str, id: int) -> HttpResponse:
    membership: Membership = request.membership  # type: ignore[attr-defined]
    project = project_get(workspace=membership.workspace, membership=membership, id=id)
    context = _project_context(request, project)
    part = PAGE_PARTS.get(request.GET.get("part", ""))
    if part is not None:
        # The page's script re-reads one section after a write, without reloading the page.
        return render(request, part, context)
    return render(request, "projects/page.html", context)


@workspace_page
def project_gantt_page(request: HttpRequest, ws: str, id: int) -> HttpResponse:
    membership: Membership = request.membership  # type: ignore[attr-defined]
    project = project_get(workspace=membership.workspace, membership=membership, id=id)
    return render(request, "projects/gantt.html", page_context(
        request, section="projects", project=project, board=project.board,
        gantt=gantt_data(project, membership),
    ))


@workspace_page
def project_gantt_data(request: HttpRequest, ws: str, id: int) -> HttpResponse:
    """The chart's data again, read by the page after a change to show what moved."""
    membership: Membership = request.membership  # type: ignore[attr-defined]
    project = project_get(workspace=membership.workspace, membership=membership, id=id)
    response = JsonResponse(gantt_data(project, membership))
    response["Cache-Control"] = "no-store"
    return response
