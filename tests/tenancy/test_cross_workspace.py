"""A member of another workspace gets 404 for every workspace route in the OpenAPI schema.

The routes come from the schema, not a list, so every endpoint added later is walked too. Each
`{id}`-style parameter is filled with a real object of the owning workspace, found through the
view's `scoped_model`; a new viewset whose model has no object in `populate_workspace()` fails
here until one is added.
"""

from __future__ import annotations

import re

import pytest
from django.urls import resolve
from drf_spectacular.generators import SchemaGenerator

from tests.factories import populate_workspace

PARAM = re.compile(r"\{(\w+)\}")
METHODS = ("get", "post", "put", "patch", "delete")


def _workspace_routes() -> list[tuple[str, str]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    routes = []
    for path, operations in schema["paths"].items():
        if "{ws}" not in path:
            continue
        for method in METHODS:
            if method in operations:
                routes.append((path, method))
    return routes


ROUTES = _workspace_routes()


def _fill(path: str, ws: str, objects: dict[type, object], probe_slug: str) -> str:
    """Fill `{ws}` with `ws` and every other parameter with an object of the owner workspace."""
    concrete = path.replace("{ws}", probe_slug)
    # Resolve with placeholder digits to find the view and, from it, the model of each level.
    view = resolve(PARAM.sub("1", concrete)).func
    view_cls = getattr(view, "cls", None)
    names = PARAM.findall(concrete)
    for name in names:
        obj = _object_for(name, view_cls, objects)
        concrete = concrete.replace("{" + name + "}", str(obj.pk))
    return concrete.replace(probe_slug, ws)


def _object_for(name: str, view_cls: type | None, objects: dict[type, object]) -> object:
    if name == "id":
        model = getattr(view_cls, "scoped_model", None)
    else:
        # `{board_id}` and the like name their model.
        model = next(
            (m for m in objects if m.__name__.lower() == name.removesuffix("_id").replace("_", "")),
            None,
        )
    assert model is not None, f"cannot tell which model `{name}` names in {view_cls}"
    assert model in objects, f"add a {model.__name__} to populate_workspace() in tests/factories.py"
    return objects[model]


def test_the_walk_covers_the_workspace_routes():
    paths = {path for path, _ in ROUTES}
    assert "/api/v1/workspaces/{ws}/" in paths
    assert "/api/v1/workspaces/{ws}/members/{id}/" in paths
    assert len(ROUTES) >= 10


@pytest.mark.parametrize(("path", "method"), ROUTES, ids=[f"{m.upper()} {p}" for p, m in ROUTES])
def test_another_workspaces_objects_are_not_found(people, api, path, method):
    objects = populate_workspace(people.owner)
    outsider = api(people.outsider)
    own_slug = people.outsider.workspace.slug

    # A's workspace itself, through B's member: as if it did not exist.
    url = _fill(path, people.workspace.slug, objects, probe_slug="probe-slug")
    response = getattr(outsider, method)(url, {}, format="json")
    assert response.status_code == 404, (url, response.status_code, response.content[:200])
    assert response.json()["code"] == "not_found"

    # A's object ids under B's own workspace slug: not found either.
    if PARAM.search(path.replace("{ws}", "")):
        url = _fill(path, own_slug, objects, probe_slug="probe-slug")
        response = getattr(outsider, method)(url, {}, format="json")
        assert response.status_code == 404, (url, response.status_code, response.content[:200])

    for model, obj in objects.items():
        assert model._default_manager.filter(pk=obj.pk).exists(), f"{model.__name__} was changed"
