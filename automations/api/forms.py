"""Intake forms (`forms/`): CRUD by the board's editors and workspace admins, their submissions,
and the form itself at `/api/v1/forms/<token>/`: its definition, and a submission sent to it
(no account needed for a public form; a session or token for a members or teams form)."""

from __future__ import annotations

from typing import Any

import orjson
from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, status
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from automations.api import forms_serializers as s
from automations.intake.answers import questions_public
from automations.intake.spam import render_stamp, spam_check
from automations.models import Form, FormAccess, Submission, SubmissionStatus
from automations.selectors import intake as selectors
from automations.selectors.intake_public import public_form
from automations.services import intake as services
from workos.api.negotiation import SingleRendererNegotiation
from workos.api.schema import ErrorSerializer
from workos.api.throttling import AnonThrottle
from workos.api.views import WorkspaceViewSet
from workos.errors import ValidationFailed
from workos.tenancy.models import Role

ANY_MEMBER = {method: Role.GUEST for method in ("GET", "HEAD", "OPTIONS", "POST", "PATCH",
                                                 "DELETE")}


@extend_schema(parameters=[
    OpenApiParameter("board", OpenApiTypes.INT, description="Only forms of this board."),
    OpenApiParameter("archived", OpenApiTypes.BOOL, description="Archived forms instead."),
])
class FormViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WorkspaceViewSet):
    """Forms of the boards the caller sees; the intake service decides who may change one."""

    scoped_model = Form
    serializer_class = s.FormSerializer
    roles = ANY_MEMBER
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def scoped_queryset(self) -> QuerySet:
        params = self.request.query_params
        board = params.get("board")
        if board is not None and not board.isdigit():
            raise ValidationFailed("board is a board id.", fields={"board": ["Not an id."]})
        archived = params.get("archived", "").lower() in {"1", "true", "yes"}
        return selectors.form_list(workspace=self.workspace, viewer=self.membership,
                                   board=int(board) if board else None, archived=archived)

    def _body(self, request: Request, *, partial: bool) -> dict[str, Any]:
        body = s.FormWriteSerializer(data=request.data, partial=partial, context={
            "workspace": self.workspace, "membership": self.membership})
        body.is_valid(raise_exception=True)
        return dict(body.validated_data)

    @extend_schema(request=s.FormWriteSerializer, responses={201: s.FormSerializer})
    def create(self, request: Request, ws: str) -> Response:
        form = services.form_create(actor=self.membership, **self._body(request, partial=False))
        return Response(s.FormSerializer(form).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.FormWriteSerializer, responses=s.FormSerializer)
    def partial_update(self, request: Request, ws: str, id: str) -> Response:
        form = services.form_update(actor=self.membership, form=self.get_object(),
                                    **self._body(request, partial=True))
        return Response(s.FormSerializer(form).data)

    @extend_schema(responses={204: None})
    def destroy(self, request: Request, ws: str, id: str) -> Response:
        """Archive the form: its link stops working, its submissions and items stay."""
        services.form_archive(actor=self.membership, form=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses=s.FormSerializer)
    @action(detail=True, methods=["post"], url_path="regenerate-token")
    def regenerate_token(self, request: Request, ws: str, id: str) -> Response:
        """A new public link; the old one (and its status links) stops working."""
        form = services.form_regenerate_token(actor=self.membership, form=self.get_object())
        return Response(s.FormSerializer(form).data)


@extend_schema(parameters=[OpenApiParameter(
    "status", OpenApiTypes.STR, enum=SubmissionStatus.values,
    description="Only submissions in this state.")])
class SubmissionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WorkspaceViewSet):
    """A form's submissions, newest first: for the board's editors and workspace admins."""

    scoped_model = Submission
    serializer_class = s.SubmissionSerializer
    roles = ANY_MEMBER
    http_method_names = ["get", "head", "options"]

    def _form(self) -> Form:
        if not hasattr(self, "_form_row"):
            self._form_row = selectors.form_get(workspace=self.workspace,
                                                viewer=self.membership,
                                                id=int(self.kwargs["form_id"]))
        return self._form_row

    def scoped_queryset(self) -> QuerySet:
        wanted = self.request.query_params.get("status") or None
        if wanted is not None and wanted not in SubmissionStatus.values:
            raise ValidationFailed(f"status is one of {', '.join(SubmissionStatus.values)}.",
                                   fields={"status": ["Unknown status."]})
        return selectors.submission_list(workspace=self.workspace, viewer=self.membership,
                                         form=self._form(), status=wanted)


def _text(data: dict[str, Any], key: str, limit: int) -> str:
    value = data.get(key, "")
    if value is None or isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValidationFailed(f"{key}: Not a valid string.", fields={key: ["Not a valid string."]})
    value = str(value)
    if len(value) > limit:
        message = f"Ensure this field has no more than {limit} characters."
        raise ValidationFailed(f"{key}: {message}", fields={key: [message]})
    return value


def _submit_body(data: Any) -> dict[str, Any]:
    """The submission's parts: a JSON body is checked here directly (what the serializer
    checks, at a fraction of its cost on the busiest public call); a form post, whose parts
    come as text, by `PublicSubmitSerializer`."""
    if type(data) is not dict:
        body = s.PublicSubmitSerializer(data=data)
        body.is_valid(raise_exception=True)
        return dict(body.validated_data)
    if "answers" not in data:
        raise ValidationFailed("answers: This field is required.",
                               fields={"answers": ["This field is required."]})
    prefill = data.get("prefill")
    if prefill is not None and not isinstance(prefill, dict):
        raise ValidationFailed('prefill: Expected a dictionary of items but got type '
                               f'"{type(prefill).__name__}".',
                               fields={"prefill": ["Expected a dictionary of items."]})
    return {"answers": data["answers"], "email": _text(data, "email", 254),
            "stamp": _text(data, "stamp", 200), "website": _text(data, "website", 500),
            "prefill": prefill}


class PublicFormView(APIView):
    """A form by its link: GET its definition (with a fresh `stamp`), POST a submission, which
    answers 202 with the reference and the status link while a worker makes the item.

    No CSRF token is asked of an anonymous call: it acts as nobody, and the link is all it
    reaches. A call signed in by the browser's session is checked for CSRF by DRF's session
    authentication, like every other API call."""

    permission_classes = [AllowAny]
    content_negotiation_class = SingleRendererNegotiation

    def get_throttles(self) -> list[Any]:
        # Anonymous submissions are throttled per form and address by the spam check.
        if self.request.method == "POST" and not self.request.user.is_authenticated:
            return []
        return super().get_throttles()

    def _form_for(self, request: Request, token: str) -> tuple[Form, Any]:
        form = public_form(token)
        submitter = selectors.submitter_for(form=form, user=request.user, token=request.auth)
        if form.access != FormAccess.PUBLIC and not request.user.is_authenticated:
            raise exceptions.NotAuthenticated("Sign in to fill in this form: it is for members.")
        selectors.form_access_check(form=form, submitter=submitter)
        return form, submitter

    @extend_schema(auth=[], responses={200: s.PublicFormSerializer})
    def get(self, request: Request, token: str) -> Response:
        form, _ = self._form_for(request, token)
        return Response({
            "name": form.name, "description": form.description, "access": form.access,
            "is_open": selectors.form_accepting(form), "fields": questions_public(form),
            "pages": form.pages or [], "stamp": render_stamp(),
        })

    @extend_schema(auth=[], request=s.PublicSubmitSerializer, responses={
        202: s.PublicReceiptSerializer,
        409: OpenApiResponse(ErrorSerializer, description="The form is closed."),
    })
    def post(self, request: Request, token: str) -> Response:
        form, submitter = self._form_for(request, token)
        data = _submit_body(request.data)
        answers = data["answers"]
        if isinstance(answers, str | bytes):
            try:
                answers = orjson.loads(answers)
            except orjson.JSONDecodeError as exc:
                raise ValidationFailed("answers is a JSON object.",
                                       fields={"answers": ["Not JSON."]}) from exc
        if submitter is None:
            spam_check(form, honeypot=data.get("website", ""), stamp=data.get("stamp"),
                       ip=AnonThrottle().get_ident(request) or "")
        files = {key: request.FILES.getlist(key) for key in request.FILES}
        prefill = {**request.query_params.dict(), **(data.get("prefill") or {})}
        submission, status_token = services.submission_create(
            form=form, answers=answers, files=files or None, submitter=submitter,
            email=data.get("email", ""), prefill=prefill)
        return Response({
            "reference": submission.reference,
            "status_url": selectors.status_url(submission, status_token),
            "message": form.confirmation_message,
        }, status=status.HTTP_202_ACCEPTED)
