"""Routes of the collaboration around an item, mounted by workos/urls.py under workspaces/{ws}/.

The nested kwarg is `item_id`: the cross-workspace walk reads the model it names from it."""

from rest_framework.routers import SimpleRouter

from boards.api import collab

router = SimpleRouter()
router.register(r"items/(?P<item_id>\d+)/comments", collab.ItemCommentViewSet,
                basename="item-comment")
router.register(r"items/(?P<item_id>\d+)/activity", collab.ItemActivityViewSet,
                basename="item-activity")
router.register(r"items/(?P<item_id>\d+)/attachments", collab.ItemAttachmentViewSet,
                basename="item-attachment")

scoped = router.urls
