"""What the intake tests share: a service desk board made through the services with one column
of every type that takes input (and the computed ones), forms saved through the intake service,
and a submission made and processed as a worker would."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from automations.models import Form, Submission
from automations.services.intake import form_create, submission_create, submission_process
from boards.models import Board, Column, Item
from boards.services import board_create, column_create, item_create
from tests.factories import ColumnFactory
from workos.tenancy.models import Membership

INPUT_COLUMNS: dict[str, dict[str, Any]] = {
    "text": {},
    "long_text": {},
    "number": {"decimals": 2},
    "money": {},
    "date": {},
    "timeline": {},
    "people": {},
    "status": {"options": [{"label": "Open"}, {"label": "Closed"}]},
    "dropdown": {"options": [{"label": "Laptop"}, {"label": "Phone"}, {"label": "Monitor"}]},
    "tags": {},
    "checkbox": {},
    "rating": {"max": 5},
    "link": {},
    "email": {},
    "phone": {},
    "relation": None,  # settings name the linked board, made in `service_desk`
}
COMPUTED_COLUMNS = {
    "formula": {"expression": "1 + 1"},
    "mirror": {"relation": "relation", "column": "text"},
    "rollup": {"column": "number", "function": "sum"},
    "time_tracked": {},
}


@dataclass
class Desk:
    board: Board
    assets: Board  # the board the relation column links to
    asset: Item

    @property
    def groups(self) -> dict[str, int]:
        return {g.name: g.pk for g in self.board.groups.all()}

    def column(self, key: str) -> Column:
        return self.board.columns.get(key=key)


def service_desk(owner: Membership) -> Desk:
    board = board_create(actor=owner, name="Service desk",
                         groups=["Incoming", "Hardware", "Access"])
    assets = board_create(actor=owner, name="Assets", groups=["Laptops"])
    asset = item_create(actor=owner, board=assets, fields={"name": "Laptop 7"})
    for kind, settings in INPUT_COLUMNS.items():
        if kind == "relation":
            settings = {"board": assets.pk}
        column_create(actor=owner, board=board, title=kind.replace("_", " ").title(),
                      type=kind, key=kind, settings=settings)
    for kind, settings in COMPUTED_COLUMNS.items():
        ColumnFactory(board=board, key=kind, type=kind, settings=settings)
    return Desk(board=board, assets=assets, asset=asset)


def question(key: str, maps_to: str = "", **extra: Any) -> dict[str, Any]:
    return {"key": key, "label": extra.pop("label", key.replace("_", " ").title()),
            "maps_to": maps_to, **extra}


def make_form(actor: Membership, board: Board, fields: list[dict[str, Any]],
              **extra: Any) -> Form:
    extra.setdefault("access", "public")
    return form_create(actor=actor, board=board, name=extra.pop("name", "IT request"),
                       fields=fields, **extra)


def submit(form: Form, answers: dict[str, Any], *, email: str = "ana@example.com",
           submitter: Membership | None = None, files: dict[str, list] | None = None,
           process: bool = True) -> Submission:
    """Submit (without the on-commit task) and, unless told not to, process as a worker."""
    submission, _ = submission_create(form=form, answers=answers, files=files,
                                      submitter=submitter, email=email)
    if process:
        submission = submission_process(submission_id=submission.pk)
        submission.refresh_from_db()
    return submission
