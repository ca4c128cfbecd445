"""Full-text search over items: PostgreSQL text search, substring matching elsewhere.

Words are matched whole, the last one also as a prefix, so "lapt" finds "laptop" while typing.
The query text never reaches the SQL as syntax: only word characters are kept.
"""

from __future__ import annotations

import re

from django.db import connection
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.lookups import Exact

# Kept identical to the index expression in migration 0004.
ITEM_TSVECTOR = (
    "to_tsvector('simple'::regconfig, COALESCE(name, '') || ' ' || COALESCE(description, ''))"
)
MAX_TERMS = 12


def search_terms(text: str) -> list[str]:
    return [t.lower() for t in re.findall(r"\w+", text)][:MAX_TERMS]


def tsquery(terms: list[str]) -> str:
    return " & ".join([*terms[:-1], terms[-1] + ":*"])


def items_matching(qs: QuerySet, text: str) -> QuerySet:
    """Items whose name or description holds every word of `text`, or whose external id is it."""
    terms = search_terms(text)
    exact_id = Q(external_id=text.strip())
    if not terms:
        return qs.filter(exact_id)
    if connection.vendor == "postgresql":
        # Safe: the SQL is a constant; the query text is a bound parameter.
        matches = RawSQL(  # noqa: S611
            f"({ITEM_TSVECTOR} @@ to_tsquery('simple'::regconfig, %s))", [tsquery(terms)],
            output_field=BooleanField(),
        )
        return qs.filter(Q(Exact(matches, True)) | exact_id)
    words = Q()
    for term in terms:
        words &= Q(name__icontains=term) | Q(description__icontains=term)
    return qs.filter(words | exact_id)
