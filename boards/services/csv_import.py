"""Importing items into a board from a CSV file: all rows or none.

Every row is read and checked first — core fields, custom column values through the column type
validators, references to members, items, groups and statuses — and the answer is a report of
every row error. Only a file without errors is written, in one transaction: new groups, the
items (one INSERT per batch, positions from `rank_sequence` or after the group's last item),
their parents and assignees, and one INSERT of all their activities. A dry run stops after the
report.

Rows are numbered as a spreadsheet shows them: the header is row 1. Unknown statuses are row
errors (a typo should not make a new workflow state); unknown groups are created, and the dry
run lists them.
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from boards.columns.types import COMPUTED_TYPES
from boards.models import Board, Column
from boards.selectors.csv_export import column_headers
from boards.services.access import EDITOR, require_board_role
from boards.services.csv_cells import HEADER_FIELDS, IGNORE, IMPORT_FIELDS, unquote
from boards.services.csv_rows import RowReader, write_rows
from boards.services.items import BoardContext
from workos.errors import ValidationFailed
from workos.tenancy.models import Membership

MAX_IMPORT_BYTES = 10 * 1024 * 1024
MAX_IMPORT_ROWS = 50_000
MAX_IMPORT_COLUMNS = 300
# The report lists this many errors at most; `error_count` has them all.
MAX_REPORTED_ERRORS = 1000
_DELIMITERS = (",", ";", "\t", "|")
_WORKBOOKS = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")


@dataclass
class ImportReport:
    rows: int = 0
    valid: int = 0
    created: int = 0
    dry_run: bool = False
    error_count: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    groups_created: list[str] = field(default_factory=list)
    mapping: dict[str, str] = field(default_factory=dict)

    def error(self, row: int, target: str, message: str, column: str | None = None) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append({"row": row, "field": target, "column": column,
                                "message": message})

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows, "valid": self.valid, "created": self.created,
            "dry_run": self.dry_run, "error_count": self.error_count, "errors": self.errors,
            "groups_created": self.groups_created, "mapping": self.mapping,
        }


def _bad(message: str, name: str = "file") -> ValidationFailed:
    return ValidationFailed(message, fields={name: [message]})


def csv_decode(data: bytes) -> str:
    """The file as text: UTF-8 with or without a byte order mark, or UTF-16 with one."""
    if len(data) > MAX_IMPORT_BYTES:
        raise _bad(f"The file is larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MB; split it.")
    if data.startswith(_WORKBOOKS):
        raise _bad("This is a spreadsheet workbook, not a CSV file; save it as 'CSV UTF-8' "
                   "and upload that.")
    encoding = "utf-8"
    for bom, codec in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                       (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            data, encoding = data[len(bom):], codec
            break
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        raise _bad("The file is not UTF-8 text; save it as 'CSV UTF-8' and upload it "
                   "again.") from None
    if "\x00" in text:
        raise _bad("This is not a CSV text file.")
    if not text.strip():
        raise _bad("The file is empty.")
    return text


def _delimiter(text: str) -> str:
    """The separator the header line uses most: comma, semicolon (Excel in much of Europe),
    tab or bar. A one-column file has none and reads as comma-separated."""
    header = text.split("\n", 1)[0]
    counts = {d: header.count(d) for d in _DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def csv_read(text: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the (row number, cells) of every non-blank row."""
    # Strict: a stray quote would otherwise swallow every row after it without a word.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=True)
    rows: list[tuple[int, list[str]]] = []
    header: list[str] | None = None
    try:
        for number, cells in enumerate(reader, start=1):
            if header is None:
                header = [unquote(cell) for cell in cells]
                continue
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) >= MAX_IMPORT_ROWS:
                raise _bad(f"The file has more than {MAX_IMPORT_ROWS:,} rows; split it.")
            rows.append((number, cells))
    except csv.Error as exc:
        raise _bad(f"Row {reader.line_num} cannot be read as CSV ({exc}).") from None
    if not header or not any(header):
        raise _bad("The file has no header row naming its columns.")
    if len(header) > MAX_IMPORT_COLUMNS:
        raise _bad(f"The file has more than {MAX_IMPORT_COLUMNS} columns.")
    named = [h for h in header if h]
    repeated = sorted({h for h in named if named.count(h) > 1})
    if repeated:
        raise _bad(f"Several columns of the file are headed '{repeated[0]}'; rename them so "
                   "each header is unique.")
    return header, rows


def _target_ok(target: str, columns: dict[str, Column]) -> bool:
    if target in IMPORT_FIELDS or target == IGNORE:
        return True
    key = target.removeprefix("values.")
    return target.startswith("values.") and key in columns and (
        columns[key].type not in COMPUTED_TYPES)


def _automatic(header: list[str], columns: list[Column]) -> dict[str, str]:
    """Header → target by name: core field names and labels, column titles, keys."""
    by_header = {h.casefold(): c for h, c in zip(column_headers(columns), columns, strict=True)}
    by_header.update({c.title.strip().casefold(): c for c in columns
                      if c.title.strip().casefold() not in by_header})
    keys = {c.key: c for c in columns}
    mapping, used = {}, set()
    for name in header:
        folded = name.casefold()
        if folded in HEADER_FIELDS or folded in IMPORT_FIELDS:
            # Core headers win over a column titled alike; "ID" is the exported id: ignored.
            target = HEADER_FIELDS.get(folded, folded)
            target = target if target in IMPORT_FIELDS else IGNORE
        else:
            column = by_header.get(folded) or keys.get(name.removeprefix("values."))
            target = f"values.{column.key}" if column and column.type not in COMPUTED_TYPES \
                else IGNORE
        if target != IGNORE and target in used:
            target = IGNORE
        used.add(target)
        if name:
            mapping[name] = target
    return mapping


def import_mapping(
    header: list[str], mapping: Any, columns: list[Column]
) -> dict[str, str]:
    """The header → target mapping checked against the file and the board; without one,
    headers are matched by name. Headers a given mapping leaves out are ignored."""
    if mapping is None:
        result = _automatic(header, columns)
    else:
        if not isinstance(mapping, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in mapping.items()):
            raise _bad('mapping is a JSON object of CSV header → field, such as '
                       '{"Title": "name", "Cost": "values.cost"}.', "mapping")
        missing = sorted(set(mapping) - set(header))
        if missing:
            raise _bad(f"The mapping names '{missing[0]}', which is not a column of the file "
                       f"(its columns are {', '.join(h for h in header if h)}).", "mapping")
        keyed = {c.key: c for c in columns}
        for name, target in mapping.items():
            if not _target_ok(target, keyed):
                raise _bad(
                    f"'{name}' is mapped to '{target}', which is not something an item holds; "
                    f"use one of {', '.join(IMPORT_FIELDS)}, values.<column key> of a column "
                    "that is not computed, or ignore.", "mapping")
        result = {h: mapping.get(h, IGNORE) for h in header if h}
        targets = [t for t in result.values() if t != IGNORE]
        twice = sorted({t for t in targets if targets.count(t) > 1})
        if twice:
            raise _bad(f"Two columns of the file are mapped to {twice[0]}; map one.", "mapping")
    if "name" not in result.values():
        raise _bad("Map one column of the file to name: every item needs a name.", "mapping")
    return result


def csv_import(
    *, actor: Membership, board: Board, data: bytes, mapping: Any = None, dry_run: bool = False
) -> ImportReport:
    """Check every row of the CSV file `data` and, unless it is a dry run or any row has an
    error, create all its items in one transaction. File-level problems (not CSV, too large,
    a bad mapping) raise ValidationFailed; row problems are in the report."""
    role = require_board_role(board=board, actor=actor, minimum=EDITOR, doing="Importing items")
    ctx = BoardContext.load(board, role)
    columns = sorted(ctx.columns.values(), key=lambda c: (c.position, c.pk))
    header, rows = csv_read(csv_decode(data))
    report = ImportReport(dry_run=dry_run, rows=len(rows),
                          mapping=import_mapping(header, mapping, columns))
    plan = [(i, h, report.mapping[h]) for i, h in enumerate(header)
            if h and report.mapping.get(h, IGNORE) != IGNORE]
    reader = RowReader(ctx=ctx, actor=actor, report=report)
    parsed = [reader.read(number, cells, plan, width=len(header)) for number, cells in rows]
    reader.check_references(parsed)
    report.valid = sum(1 for row in parsed if row.ok)
    if dry_run or report.error_count:
        report.groups_created = reader.new_group_names()
        return report
    with transaction.atomic():
        created, groups = write_rows(ctx=ctx, actor=actor, rows=parsed,
                                     new_groups=reader.new_group_names())
    report.created, report.groups_created = created, groups
    return report

