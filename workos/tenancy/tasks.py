"""E-mail sent on behalf of tenancy changes; tasks take ids and are safe to run twice."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from workos.tenancy.models import Membership


@shared_task(name="workos.tenancy.tasks.send_invitation", autoretry_for=(OSError,),
             retry_backoff=True, max_retries=5)
def send_invitation(membership_id: int) -> bool:
    membership = (
        Membership.objects.select_related("user", "workspace").filter(pk=membership_id).first()
    )
    if membership is None or membership.user.has_usable_password():
        return False  # removed meanwhile, or the person has set a password already
    user = membership.user
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    base = settings.SITE_URL.rstrip("/")
    send_mail(
        subject=f"You have been added to {membership.workspace.name} on WorkOS",
        message=(
            f"You have been added to the workspace {membership.workspace.name} as "
            f"{membership.role}.\n\nChoose a password to sign in:\n{base}{path}\n"
        ),
        from_email=None,
        recipient_list=[user.email],
    )
    return True
