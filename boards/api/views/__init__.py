"""The boards API's viewsets, one module per area."""

from boards.api.views.boards import BoardViewSet
from boards.api.views.items import ItemViewSet
from boards.api.views.links import DependencyViewSet, ViewViewSet
from boards.api.views.structure import (
    BoardMemberViewSet,
    ColumnViewSet,
    GroupViewSet,
    StatusViewSet,
)

__all__ = [
    "BoardMemberViewSet",
    "BoardViewSet",
    "ColumnViewSet",
    "DependencyViewSet",
    "GroupViewSet",
    "ItemViewSet",
    "StatusViewSet",
    "ViewViewSet",
]
