"""E-mail copies of the notifications automations send. Run by a task after the run commits;
each notification is mailed once (marked in its data), so a retried task does not mail twice."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail

from workos.activity.models import Notification

EMAILED = "emailed"


def notification_emails_send(*, ids: list[int]) -> int:
    sent = 0
    rows = Notification.objects.filter(pk__in=ids).select_related("recipient__user", "workspace")
    for row in rows:
        user = row.recipient.user
        if (row.data or {}).get(EMAILED) or not user.email or not user.is_active:
            continue
        if user.email.endswith(".invalid"):
            continue
        link = settings.SITE_URL.rstrip("/") + row.link if row.link else ""
        send_mail(
            subject=f"[{row.workspace.name}] {row.title}"[:200],
            message=f"{row.title}\n\n{row.actor_label}\n{link}\n".strip() + "\n",
            from_email=None,
            recipient_list=[user.email],
        )
        row.data = {**(row.data or {}), EMAILED: True}
        row.save(update_fields=["data"])
        sent += 1
    return sent
