"""Column types: settings, stored values, and conversions when a column changes type."""

import math
from datetime import date
from decimal import Decimal

import pytest

from boards.columns import (
    COLUMN_TYPES,
    COMPUTED_TYPES,
    ColumnValueError,
    convert_value,
    is_empty,
    validate_settings,
    validate_value,
)

PRIORITY = validate_settings(
    "dropdown", {"options": ["High", "Medium", {"id": "lo", "label": "Low", "color": "#C4C4C4"}]}
)
LABELS = validate_settings(
    "dropdown", {"options": ["Frontend", "Backend", "Design"], "multiple": True}
)
STAGE = validate_settings("status", {"options": ["Open", "In review", "Shipped"]})
CLOSED_TAGS = validate_settings("tags", {"options": ["urgent", "client"], "free": False})


def settings_for(column_type: str) -> dict:
    return {
        "formula": {"expression": "{a} + 1"},
        "relation": {"board": 7},
        "mirror": {"relation": "customer", "column": "city"},
        "rollup": {"column": "hours"},
        "dropdown": PRIORITY,
        "status": STAGE,
    }.get(column_type, {})


# --- every type ------------------------------------------------------------------------


VALID = [
    ("text", {}, "  Call the supplier  ", "Call the supplier"),
    ("long_text", {}, "Line one\nLine two\n", "Line one\nLine two"),
    ("number", {}, "12.345", 12.35),
    ("number", {"decimals": 0}, 7.0, 7),
    ("money", {}, 12.5, "12.50"),
    ("money", {}, "1999.999", "2000.00"),
    ("date", {}, "2025-03-31", "2025-03-31"),
    ("date", {}, date(2025, 1, 2), "2025-01-02"),
    ("date", {"include_time": True}, "2025-03-31T09:30:00Z", "2025-03-31T09:30+00:00"),
    (
        "timeline",
        {},
        {"start": "2025-01-01", "end": "2025-01-10"},
        {"start": "2025-01-01", "end": "2025-01-10"},
    ),
    ("people", {}, [5, 2, 5], [2, 5]),
    ("people", {}, 4, [4]),
    ("status", STAGE, "in_review", "in_review"),
    ("status", STAGE, "in REVIEW", "in_review"),
    ("dropdown", PRIORITY, "High", "high"),
    ("dropdown", PRIORITY, "lo", "lo"),
    ("dropdown", LABELS, ["design", "Frontend", "frontend"], ["frontend", "design"]),
    ("tags", {}, ["urgent", " Urgent ", "client  work", ""], ["urgent", "client work"]),
    ("tags", CLOSED_TAGS, ["URGENT"], ["urgent"]),
    ("checkbox", {}, True, True),
    ("checkbox", {}, "false", False),
    ("rating", {"max": 10}, 9, 9),
    ("rating", {}, "3", 3),
    ("link", {}, "https://example.com/a?b=1", {"url": "https://example.com/a?b=1", "text": ""}),
    ("link", {}, "example.com", {"url": "https://example.com", "text": ""}),
    (
        "link",
        {},
        {"url": "http://intranet:8080/x", "text": " Wiki "},
        {"url": "http://intranet:8080/x", "text": "Wiki"},
    ),
    ("email", {}, " Ana.Lima@Example.COM ", "Ana.Lima@example.com"),
    ("phone", {}, "+44  (20) 7946-0958", "+44 (20) 7946-0958"),
    ("relation", {"board": 7}, [9, 3], [3, 9]),
]


@pytest.mark.parametrize(("column_type", "column_settings", "given", "stored"), VALID)
def test_a_valid_value_is_stored_in_its_normal_form(column_type, column_settings, given, stored):
    assert validate_value(column_type, column_settings, given) == stored


INVALID = [
    ("text", {}, 12, "Enter text"),
    ("text", {"max_length": 5}, "too long", "at most 5 characters"),
    ("text", {}, "nul\x00byte", "NUL"),
    ("long_text", {"max_length": 3}, "abcd", "at most 3 characters"),
    ("number", {}, "twelve", "Enter a number"),
    ("number", {}, math.nan, "Enter a number"),
    ("number", {}, math.inf, "Enter a number"),
    ("number", {}, True, "Enter a number"),
    ("number", {}, 1e16, "too large"),
    ("money", {}, "12,50", "such as 12.50"),
    ("money", {}, "NaN", "Enter a number"),
    ("date", {}, "2025-02-30", "YYYY-MM-DD"),
    ("date", {}, "31/03/2025", "YYYY-MM-DD"),
    ("timeline", {}, {"start": "2025-02-01", "end": "2025-01-01"}, "ends (2025-01-01) before"),
    ("timeline", {}, "2025-01-01", '{"start"'),
    ("people", {}, ["ana"], "list of ids"),
    ("people", {}, [True], "list of ids"),
    ("people", {}, list(range(1, 60)), "at most 50 people"),
    ("status", STAGE, "Closed", "not one of the options (Open, In review, Shipped)"),
    ("dropdown", PRIORITY, ["high", "lo"], "Choose one option"),
    ("dropdown", PRIORITY, "Urgent", "not one of the options"),
    ("tags", {}, ["x" * 51], "longer than 50"),
    ("tags", {}, [f"t{i}" for i in range(21)], "at most 20 tags"),
    ("tags", {}, [3], "Each tag is text"),
    ("tags", CLOSED_TAGS, ["internal"], "not one of this column's tags"),
    ("checkbox", {}, "yes", "true or false"),
    ("checkbox", {}, 1, "true or false"),
    ("rating", {}, 6, "from 0 to 5"),
    ("rating", {}, 2.5, "from 0 to 5"),
    ("rating", {}, True, "from 0 to 5"),
    ("link", {}, "javascript:alert(1)", "http:// or https://"),
    ("link", {}, "data:text/html,<script>alert(1)</script>", "http:// or https://"),
    ("link", {}, "ftp://files.example.com", "http:// or https://"),
    ("link", {}, "https://bank.example@evil.example", "Remove the user name"),
    ("link", {}, "https://exa mple.com", "without spaces"),
    ("link", {}, {"href": "https://example.com"}, '{"url"'),
    ("email", {}, "ana@", "e-mail address"),
    ("email", {}, "ana@@example.com", "e-mail address"),
    ("phone", {}, "call me", "5 to 20 digits"),
    ("phone", {}, "123", "5 to 20 digits"),
    ("phone", {}, "12+345678", "5 to 20 digits"),
    ("relation", {"board": 7}, "12", "list of ids"),
    ("relation", {"board": 7}, [0], "list of ids"),
]


@pytest.mark.parametrize(("column_type", "column_settings", "given", "hint"), INVALID)
def test_an_invalid_value_is_refused_with_a_message_naming_the_column(
    column_type, column_settings, given, hint
):
    with pytest.raises(ColumnValueError) as caught:
        validate_value(column_type, column_settings, given, title="Budget line")
    assert caught.value.message.startswith("Budget line: ")
    assert hint in caught.value.message


@pytest.mark.parametrize("column_type", COLUMN_TYPES)
def test_none_means_empty_for_every_type(column_type):
    assert validate_value(column_type, settings_for(column_type), None) is None


@pytest.mark.parametrize("blank", ["", "   ", []])
def test_blank_input_is_stored_as_empty(blank):
    assert validate_value("text", {}, blank) is None
    assert validate_value("tags", {}, blank) is None


@pytest.mark.parametrize("column_type", sorted(COMPUTED_TYPES))
def test_computed_columns_refuse_a_value(column_type):
    with pytest.raises(ColumnValueError, match="Total is computed and cannot be set"):
        validate_value(column_type, settings_for(column_type), 5, title="Total")


def test_an_error_without_a_title_is_still_a_sentence():
    with pytest.raises(ColumnValueError) as caught:
        validate_value("number", {}, "many")
    assert caught.value.message == "Enter a number, such as 12 or 3.5."


def test_emptiness_covers_blank_values_but_not_false_or_zero():
    assert all(is_empty(v) for v in (None, "", "  ", [], {}))
    assert not any(is_empty(v) for v in (False, 0, "0", [0], {"url": ""}))


# --- settings ---------------------------------------------------------------------------


@pytest.mark.parametrize("column_type", COLUMN_TYPES)
def test_every_type_has_settings_with_defaults(column_type):
    clean = validate_settings(column_type, settings_for(column_type))
    assert isinstance(clean, dict)
    assert validate_settings(column_type, clean) == clean


def test_settings_defaults_are_filled_in():
    assert validate_settings("number", None) == {"decimals": 2, "unit": ""}
    assert validate_settings("rating", {}) == {"max": 5}
    assert validate_settings("text", {}) == {"max_length": 2000}
    assert validate_settings("long_text", {}) == {"max_length": 100_000}
    assert validate_settings("date", {}) == {"include_time": False}
    assert validate_settings("money", {"currency": "eur"}) == {"currency": "EUR"}
    assert validate_settings("rollup", {"column": "hours"}) == {
        "column": "hours",
        "function": "sum",
    }
    assert validate_settings("tags", {}) == {"options": [], "free": True}


def test_options_get_ids_and_colours_and_keep_given_ones():
    assert PRIORITY["options"] == [
        {"id": "high", "label": "High", "color": "#579bfc"},
        {"id": "medium", "label": "Medium", "color": "#00c875"},
        {"id": "lo", "label": "Low", "color": "#c4c4c4"},
    ]
    assert PRIORITY["multiple"] is False


def test_generated_option_ids_do_not_collide_with_given_ones():
    clean = validate_settings("status", {"options": [{"id": "done", "label": "Open"}, "Done"]})
    assert [o["id"] for o in clean["options"]] == ["done", "done_2"]


BAD_SETTINGS = [
    ("number", {"decimals": 7}, "decimals of a number column is a whole number from 0 to 6"),
    ("number", {"decimals": True}, "whole number"),
    ("number", {"precision": 2}, "Unknown setting 'precision' for a number column"),
    ("checkbox", {"default": True}, "it takes no settings"),
    ("money", {"currency": "euro"}, "3-letter code"),
    ("rating", {"max": 11}, "from 1 to 10"),
    ("text", {"max_length": 5000}, "from 1 to 2000"),
    ("date", {"include_time": "yes"}, "true or false"),
    ("dropdown", {"options": "High, Low"}, "are a list"),
    ("dropdown", {"options": ["High", "high"]}, "'high' appears twice"),
    ("dropdown", {"options": [{"label": ""}]}, "needs a label"),
    ("dropdown", {"options": [{"id": "a b", "label": "X"}]}, "is not valid"),
    (
        "dropdown",
        {"options": [{"id": "a", "label": "X"}, {"id": "a", "label": "Y"}]},
        "share an id",
    ),
    ("status", {"options": [{"label": "X", "color": "red"}]}, "hex code"),
    ("status", {"options": [{"label": "X", "icon": "*"}]}, "object with a label"),
    ("formula", {}, "needs an expression"),
    ("formula", {"expression": "{a} +"}, "ends too soon"),
    ("relation", {}, "id of the board"),
    ("relation", {"board": "7"}, "id of the board"),
    ("mirror", {"relation": "customer"}, "needs 'column'"),
    ("rollup", {"column": "hours", "function": "median"}, "sum, avg, min, max, count"),
    ("kanban", {}, "'kanban' is not a column type"),
]


@pytest.mark.parametrize(("column_type", "column_settings", "hint"), BAD_SETTINGS)
def test_bad_settings_are_refused_with_a_message(column_type, column_settings, hint):
    with pytest.raises(ColumnValueError) as caught:
        validate_settings(column_type, column_settings)
    assert hint in caught.value.message


def test_a_formula_may_reference_only_known_columns_when_they_are_given():
    assert validate_settings("formula", {"expression": "{a} * 2"}, known_keys={"a"})
    with pytest.raises(ColumnValueError, match=r"no column \{b\}"):
        validate_settings("formula", {"expression": "{a} * {b}"}, known_keys={"a"})


# --- conversions ------------------------------------------------------------------------


CONVERTS = [
    ("number", {}, "text", {}, 12.5, "12.5"),
    ("number", {}, "text", {}, 3, "3"),
    ("text", {}, "number", {"decimals": 2}, " 12 ", 12),
    ("text", {}, "money", {}, "7.5", "7.50"),
    ("money", {}, "number", {"decimals": 2}, "12.50", 12.5),
    ("number", {}, "money", {}, 3.333, "3.33"),
    ("text", {}, "dropdown", PRIORITY, "medium", "medium"),
    ("text", {}, "dropdown", LABELS, "design, frontend", ["frontend", "design"]),
    ("dropdown", PRIORITY, "text", {}, "lo", "Low"),
    ("dropdown", LABELS, "text", {}, ["frontend", "design"], "Frontend, Design"),
    (
        "dropdown",
        PRIORITY,
        "status",
        validate_settings("status", {"options": ["LOW"]}),
        "lo",
        "low",
    ),
    ("status", STAGE, "tags", {}, "shipped", ["Shipped"]),
    ("tags", {}, "dropdown", LABELS, ["Design", "backend"], ["backend", "design"]),
    ("text", {}, "tags", {}, "urgent, client", ["urgent", "client"]),
    ("date", {}, "timeline", {}, "2025-04-01", {"start": "2025-04-01", "end": "2025-04-01"}),
    ("timeline", {}, "date", {}, {"start": "2025-04-01", "end": "2025-04-09"}, "2025-04-09"),
    (
        "timeline",
        {},
        "text",
        {},
        {"start": "2025-04-01", "end": "2025-04-09"},
        "2025-04-01/2025-04-09",
    ),
    (
        "text",
        {},
        "timeline",
        {},
        "2025-04-01/2025-04-09",
        {"start": "2025-04-01", "end": "2025-04-09"},
    ),
    ("date", {"include_time": True}, "date", {}, "2025-04-01T10:00+00:00", "2025-04-01"),
    ("checkbox", {}, "text", {}, True, "true"),
    ("checkbox", {}, "text", {}, False, "false"),
    ("checkbox", {}, "number", {}, True, 1),
    ("text", {}, "checkbox", {}, "Yes", True),
    ("number", {}, "checkbox", {}, 0, False),
    ("rating", {}, "number", {}, 4, 4),
    ("number", {}, "rating", {"max": 5}, 4, 4),
    ("link", {}, "text", {}, {"url": "https://example.com", "text": "Ex"}, "https://example.com"),
    ("text", {}, "link", {}, "example.com", {"url": "https://example.com", "text": ""}),
    ("text", {}, "email", {}, "ana@example.com", "ana@example.com"),
    ("long_text", {}, "text", {}, "two\nlines", "two lines"),
    ("people", {}, "people", {}, [3, 1], [1, 3]),
    ("relation", {"board": 7}, "relation", {"board": 7}, [4], [4]),
    ("formula", {"expression": "1"}, "text", {}, 1, None),
]


@pytest.mark.parametrize(
    ("old", "old_settings", "new", "new_settings", "value", "expected"), CONVERTS
)
def test_a_value_that_means_the_same_in_the_new_type_converts(
    old, old_settings, new, new_settings, value, expected
):
    assert convert_value(old, old_settings, new, new_settings, value) == (True, expected)


DOES_NOT_CONVERT = [
    ("text", {}, "number", {}, "soon"),
    ("text", {}, "date", {}, "next week"),
    ("text", {}, "dropdown", PRIORITY, "Urgent"),
    ("text", {}, "checkbox", {}, "maybe"),
    ("number", {}, "rating", {"max": 5}, 7),
    ("number", {}, "date", {}, 20250101),
    ("long_text", {}, "text", {"max_length": 3}, "much too long"),
    ("dropdown", LABELS, "dropdown", PRIORITY, ["frontend", "design"]),
    ("dropdown", PRIORITY, "text", {}, "gone"),
    ("people", {}, "text", {}, [1, 2]),
    ("text", {}, "people", {}, "Ana"),
    ("relation", {"board": 7}, "relation", {"board": 8}, [4]),
    ("email", {}, "link", {}, "ana@example.com"),
    ("timeline", {}, "date", {}, "not a timeline"),
    ("text", {}, "formula", {"expression": "1"}, "kept nowhere"),
]


@pytest.mark.parametrize(("old", "old_settings", "new", "new_settings", "value"), DOES_NOT_CONVERT)
def test_a_value_that_cannot_convert_is_reported(old, old_settings, new, new_settings, value):
    assert convert_value(old, old_settings, new, new_settings, value) == (False, None)


@pytest.mark.parametrize("empty", [None, "", []])
def test_an_empty_value_converts_to_empty(empty):
    assert convert_value("text", {}, "number", {}, empty) == (True, None)


def test_a_choice_follows_its_label_into_new_option_ids():
    renamed = validate_settings("dropdown", {"options": [{"id": "p1", "label": "HIGH"}]})
    assert convert_value("dropdown", PRIORITY, "dropdown", renamed, "high") == (True, "p1")


def test_converted_numbers_survive_a_round_trip_through_text():
    ok, as_text = convert_value("number", {}, "text", {}, 1234.5)
    assert ok
    assert convert_value("text", {}, "number", {"decimals": 2}, as_text) == (True, 1234.5)
    assert Decimal(validate_value("money", {}, as_text)) == Decimal("1234.50")
