"""The outcome e-mail to a requester outside the workspace (a public form's submitter, known
by address only). Its task is retried only when sending failed (an OSError from the mail
server), so the e-mail goes once."""

from __future__ import annotations

from django.core.mail import send_mail

from automations.models import ApprovalRequest, ApprovalStatus, DecisionKind


def requester_outcome_send(*, request_id: int) -> bool:
    request = (ApprovalRequest.objects.select_related("flow", "item", "workspace", "submission")
               .filter(pk=request_id).first())
    if request is None or not request.requester_email or request.status not in (
            ApprovalStatus.APPROVED, ApprovalStatus.REJECTED):
        return False
    reason = ""
    if request.status == ApprovalStatus.REJECTED:
        rejection = (request.decisions.filter(decision=DecisionKind.REJECT)
                     .order_by("-id").first())
        reason = f"\nReason: {rejection.comment}\n" if rejection and rejection.comment else ""
    reference = f" ({request.submission.reference})" if request.submission_id else ""
    send_mail(
        subject=f"[{request.workspace.name}] Your request{reference} was {request.status}"[:200],
        message=(f"Your request '{request.item.name}'{reference} was {request.status} "
                 f"({request.flow.name}).\n{reason}"),
        from_email=None, recipient_list=[request.requester_email],
    )
    return True
