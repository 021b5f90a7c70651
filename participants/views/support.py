"""Pages about what surrounds the participant: support needs (and group lessons and
learning places). Support needs are special category data: the assigned coach and
coordinators only."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from plp.navigation import safe_next

from .. import services
from ..forms_support import SupportNeedForm, SupportNeedSettleForm
from ..models import SupportNeed
from ..selectors import participant_for_user
from .common import _form_page, _log_view, _make_record_views, _run

supportneed_create, supportneed_edit = _make_record_views(
    SupportNeed,
    SupportNeedForm,
    services.support_need_save,
    "need",
    gettext_lazy("Support need"),
    sensitive=True,
)


def supportneed_settle(request: HttpRequest, pk: int, record_pk: int) -> HttpResponse:
    participant = participant_for_user(request, pk, lean=True, sensitive=True)
    need = get_object_or_404(SupportNeed, pk=record_pk, participant=participant)
    if request.method == "GET":
        _log_view(request, participant, need)
    form = SupportNeedSettleForm(request.POST or None, need=need)
    if request.method == "POST" and form.is_valid():
        if _run(
            form,
            services.support_need_settle,
            by=request.user,
            need=need,
            status=form.cleaned_data["status"],
            closed_on=form.cleaned_data["closed_on"],
        ):
            messages.success(request, _("Support need closed."))
            return redirect(safe_next(request) or participant)
    return _form_page(
        request, participant, form, _("Close support need: %(kind)s") % {"kind": need.get_kind_display()}
    )
