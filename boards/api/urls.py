from rest_framework.routers import SimpleRouter

from boards.api import views

router = SimpleRouter()
router.register("boards", views.BoardViewSet, basename="board")
# Nested under a board: the kwarg is `board_id`, resolved through board visibility.
router.register(r"boards/(?P<board_id>\d+)/groups", views.GroupViewSet, basename="board-group")
router.register(r"boards/(?P<board_id>\d+)/statuses", views.StatusViewSet,
                basename="board-status")
router.register(r"boards/(?P<board_id>\d+)/columns", views.ColumnViewSet,
                basename="board-column")
router.register(r"boards/(?P<board_id>\d+)/members", views.BoardMemberViewSet,
                basename="board-member")
router.register("items", views.ItemViewSet, basename="item")
router.register("dependencies", views.DependencyViewSet, basename="dependency")
router.register("views", views.ViewViewSet, basename="view")

# Mounted by workos/urls.py under workspaces/{ws}/.
scoped = router.urls
