"""Model instances from a hand-written query, converted exactly as the ORM converts them.

For the few reads on every request (the access token, its user, workspace and membership in one
statement), building the SQL through the ORM costs several times more than running it. A
`ModelColumns` lists a model's concrete columns under a table alias for such a statement and
turns its slice of a row back into an instance, applying the same database converters the ORM
would (JSON decoding, SQLite's dates and booleans), so the instance is indistinguishable from
one the ORM read. `as_connection_check` lets such a read stand in for Django's connection ping.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db import InterfaceError, OperationalError, connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model

Converter = Callable[[Any, Any, BaseDatabaseWrapper], Any]


class ModelColumns:
    """Columns of `model` (all concrete ones, or the named `fields`) under a table alias."""

    def __init__(self, model: type[Model], alias: str,
                 fields: Sequence[str] | None = None) -> None:
        self.model = model
        self.alias = alias
        self.fields = (list(model._meta.concrete_fields) if fields is None
                       else [model._meta.get_field(name) for name in fields])
        self.attnames = [f.attname for f in self.fields]
        self._converters: dict[str, list[list[tuple[Converter, Any]]]] = {}

    def __len__(self) -> int:
        return len(self.fields)

    def sql(self, connection: BaseDatabaseWrapper) -> str:
        quote = connection.ops.quote_name
        return ", ".join(f"{self.alias}.{quote(f.column)}" for f in self.fields)

    def _converters_for(self, connection: BaseDatabaseWrapper) -> list[list[tuple[Converter, Any]]]:
        found = self._converters.get(connection.alias)
        if found is None:
            found = []
            for f in self.fields:
                col = f.get_col(self.alias)
                chain = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
                found.append([(conv, col) for conv in chain])
            self._converters[connection.alias] = found
        return found

    def convert(self, values: Sequence[Any], connection: BaseDatabaseWrapper) -> Sequence[Any]:
        """The values as the ORM would give them (unchanged where no field converts)."""
        chains = self._converters_for(connection)
        if not any(chains):
            return values
        converted = []
        for value, chain in zip(values, chains, strict=True):
            for convert, col in chain:
                value = convert(value, col, connection)
            converted.append(value)
        return converted

    def build(self, values: Sequence[Any], connection: BaseDatabaseWrapper) -> Model:
        return self.model.from_db(connection.alias, self.attnames,
                                  list(self.convert(values, connection)))


def as_connection_check(read: Callable[[], Any]) -> Any:
    """Run a request's first statement, a read, as the check of a persistent connection.

    With CONN_HEALTH_CHECKS, Django pings a reused connection with an extra `SELECT 1` before a
    request's first statement: a round trip on every request. When that first statement is a
    read, it can be the check itself: on a connection the database dropped it fails, the
    connection is closed, and the read runs again on a new one, as the ping would have led to.
    """
    if (
        connection.connection is None
        or not connection.health_check_enabled
        or connection.health_check_done
        or connection.in_atomic_block
    ):
        return read()
    connection.health_check_done = True
    try:
        return read()
    except (OperationalError, InterfaceError):
        connection.close()
        return read()
