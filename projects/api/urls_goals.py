"""Routes of the projects API: goals and key results, and the portfolio.

The nested kwarg is `goal_id`: the cross-workspace walk reads the model it names from it."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path
from rest_framework.routers import SimpleRouter

from projects.api import goals, portfolio

router = SimpleRouter()
router.register("goals", goals.GoalViewSet, basename="goal")
router.register(r"goals/(?P<goal_id>\d+)/key-results", goals.KeyResultViewSet,
                basename="goal-key-result")

scoped: list[URLPattern | URLResolver] = [
    path("portfolio/", portfolio.PortfolioView.as_view(), name="portfolio"),
    *router.urls,
]
