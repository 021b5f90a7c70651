"""The coordinator's figures, dashboard, report editions and their PDFs."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Min
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from participants.models import (
    CredentialKind,
    DropoutReason,
    DropoutRoute,
    Organisation,
    Outflow,
    Participant,
    SupportNeed,
    Trajectory,
    TrajectoryKind,
)
from plp.access import coordinator_required
from plp.audit import log_action

from . import services, services_frozen
from .figures import FIGURES, NO_REASON, Period, mastered_pairs, participants_in
from .figures_support import lesson_hours, lessons_in
from .forms import DeliverableForm, EditionForm, PeriodForm, ProjectYearForm, RiskForm, TaskForm
from .models import Deliverable, PdfJob, ProjectYear, ReportEdition, Risk, WorkPlanTask
from .report import figure_label, report_context


def programme_period() -> Period:
    """From the first trajectory start (or this year) to the end of this year."""
    today = timezone.localdate()
    first = Trajectory.objects.aggregate(first=Min("start"))["first"] or today
    return Period(datetime.date(first.year, 1, 1), datetime.date(today.year, 12, 31))


def default_period(today: datetime.date) -> Period:
    """The project year that holds today, or else the last full calendar year."""
    year = ProjectYear.objects.filter(start__lte=today, end__gte=today).order_by("-start").first()
    if year:
        return Period(year.start, year.end)
    return Period(datetime.date(today.year - 1, 1, 1), datetime.date(today.year - 1, 12, 31))


def quick_periods(today: datetime.date) -> list[dict]:
    """One-click periods: the project years, then every calendar year with records,
    each with a reference date at its end (today for a period still running)."""
    choices = [(y.name, y.start, y.end) for y in ProjectYear.objects.all()]
    first = programme_period().start.year
    years = range(first, today.year + 1)
    choices += [(str(y), datetime.date(y, 1, 1), datetime.date(y, 12, 31)) for y in years]
    return [
        {
            "label": label,
            "query": f"start={start:%Y-%m-%d}&end={end:%Y-%m-%d}&peildatum={min(end, today):%Y-%m-%d}",
        }
        for label, start, end in choices
    ]


@coordinator_required
def overview(request: HttpRequest) -> HttpResponse:
    """The figures of the counting rules for any period, each number traceable. Opens on
    the current project year (or the last full calendar year when there is none); a
    period that does not validate shows its errors and no figures."""
    today = timezone.localdate()
    default = default_period(today)
    initial = {"start": default.start, "end": default.end, "peildatum": min(default.end, today)}
    form = PeriodForm(request.GET or initial)
    page = {"form": form, "traceable": True, "quick_periods": quick_periods(today)}
    if not form.is_valid():
        # The errors and what was typed, and no figures: those of another period would
        # pass for the period asked for.
        return render(request, "reporting/overview.html", page)
    period = Period(form.cleaned_data["start"], form.cleaned_data["end"])
    context = report_context(period, form.cleaned_data["peildatum"])
    return render(request, "reporting/overview.html", {**context, **page})


def _trace_key(figure: str, key: str) -> dict:
    """A traced figure's key as the audit trail keeps it: a code, or the employer's id
    (never its name, which a coordinator typed)."""
    if figure == "werkgever":
        return {"employer": Organisation.objects.filter(name=key).values_list("pk", flat=True).first()}
    codes = {
        *TrajectoryKind.values,
        *CredentialKind.values,
        *Outflow.Kind.values,
        NO_REASON,
        *DropoutRoute.values,
        *SupportNeed.Kind.values,
        *DropoutReason.objects.values_list("code", flat=True),
    }
    return {"key": key} if key in codes else {}


def period_label(period: Period) -> str:
    """ "2024" for a calendar year, "2022–2025" for whole calendar years, else the dates."""
    whole = (period.start.month, period.start.day, period.end.month, period.end.day) == (1, 1, 12, 31)
    if whole and period.start.year == period.end.year:
        return str(period.start.year)
    if whole:
        return f"{period.start.year}–{period.end.year}"
    return f"{period.start:%d-%m-%Y} – {period.end:%d-%m-%Y}"


TRACE_MAX = 1000
LESSON_FIGURES = ("lesuren", "deelnemersuren_lessen")


@coordinator_required
def trace(request: HttpRequest) -> HttpResponse:
    """The participants behind one figure of the report."""
    figure = request.GET.get("figure", "")
    try:
        period = Period(
            datetime.date.fromisoformat(request.GET["from"]), datetime.date.fromisoformat(request.GET["to"])
        )
        reference_date = datetime.date.fromisoformat(request.GET.get("peildatum") or request.GET["to"])
    except (KeyError, ValueError):
        raise Http404 from None
    if figure not in FIGURES:
        raise Http404
    key = request.GET.get("key", "")
    # Coordinators see every file; the intersection keeps the list to what the user may
    # see should the page ever open to another role.
    visible = Participant.objects.for_user(request.user)
    participants = (
        (participants_in(figure, period, reference_date, key) & visible)
        .select_related("coach")
        .order_by("number")[:TRACE_MAX]
    )
    mastered = None
    if figure == "werkprocessen_beheerst":
        # Rule 10 counts (participant, work process) pairs: each row names its work processes.
        pairs = mastered_pairs(period)
        participants = list(participants)
        for p in participants:
            p.mastered = pairs.get(p.pk, [])
        mastered = sum(len(p.mastered) for p in participants)
    lessons = None
    if figure in LESSON_FIGURES:
        # Rule 12 adds up lessons: they are listed too, so the hours can be checked.
        lessons = list(lessons_in(period.start, period.end)[: TRACE_MAX + 1])
        for lesson in lessons:
            lesson.person_minutes = lesson.duration_minutes * lesson.present
    log_action(
        by=request.user,
        action="reporting.figure.traced",
        data={
            "figure": figure,
            **_trace_key(figure, key),
            "from": period.start.isoformat(),
            "to": period.end.isoformat(),
        },
    )
    return render(
        request,
        "reporting/trace.html",
        {
            "participants": participants,
            "figure": figure,
            "key": key,
            "label": figure_label(figure, key),
            "period_label": period_label(period),
            "period": period,
            "reference_date": reference_date,
            "mastered": mastered,
            "lessons": lessons[:TRACE_MAX] if lessons is not None else None,
            "lessons_more": lessons is not None and len(lessons) > TRACE_MAX,
            "lesson_hours": lesson_hours(period.start, period.end) if lessons is not None else None,
        },
    )


@coordinator_required
def edition_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "reporting/edition_list.html",
        {
            "editions": ReportEdition.objects.select_related("funder"),
            "project_years": ProjectYear.objects.all(),
        },
    )


def _refuse_final(request: HttpRequest, edition: ReportEdition) -> HttpResponse | None:
    """For a final edition: back to its page with a message (nothing is changed)."""
    if not edition.is_final:
        return None
    messages.error(request, _("This edition is final and can no longer be changed."))
    return redirect(edition)


@coordinator_required
def edition_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    edition = get_object_or_404(ReportEdition, pk=pk) if pk else None
    if edition and (refused := _refuse_final(request, edition)):
        return refused
    source = None
    if edition is None:
        # A new edition starts as a copy of the one chosen ("?van=<id>"), by default the
        # latest: its chapter texts here, its tasks, risks and deliverables on saving.
        editions = ReportEdition.objects.order_by("-pk")
        chosen = request.POST.get("copy_from", request.GET.get("van"))
        source = editions.filter(pk=chosen).first() if chosen and chosen.isdigit() else None
        if chosen is None:
            source = editions.first()
        period = programme_period()
        edition = services.edition_draft_from(
            source, period_start=period.start, period_end=period.end, reference_date=timezone.localdate()
        )
    form = EditionForm(request.POST or None, request.FILES or None, instance=edition, copy_from=source)
    if request.method == "POST" and form.is_valid():
        if source is not None:
            edition = services.edition_create_copy(by=request.user, edition=form.instance, source=source)
        else:
            edition = services.edition_save(by=request.user, edition=form.instance)
        messages.success(request, _("Report edition saved."))
        return redirect(edition)
    copy_choice = {"editions": ReportEdition.objects.order_by("-pk"), "source": source} if not pk else None
    return render(
        request,
        "participants/form.html",
        {"form": form, "title": _("Report edition"), "copy_choice": copy_choice},
    )


@coordinator_required
def edition_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The browser version of the report: every number links to its participants. A
    final edition shows its frozen figures (those of its PDF and JSON), names the figures
    today's records give differently, and offers only its frozen PDF."""
    edition = get_object_or_404(ReportEdition.objects.select_related("funder"), pk=pk)
    figures = services_frozen.frozen_figures(edition.figures_json) if edition.is_final else None
    period = services.edition_period(edition)
    context = report_context(period, edition.reference_date, edition, figures=figures)
    differences = None
    if edition.is_final:
        differences = services_frozen.difference_labels(edition, services.edition_figures(edition))
    return render(
        request,
        "reporting/edition_detail.html",
        {
            **context,
            "traceable": True,
            "differences": differences,
            "pdf_jobs": [] if edition.is_final else edition.pdf_jobs.defer("pdf")[:3],
        },
    )


@coordinator_required
def edition_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    edition = get_object_or_404(ReportEdition, pk=pk)
    pdf = services.edition_pdf(edition)
    log_action(by=request.user, action="reporting.edition.pdf_downloaded", obj=edition)
    return _pdf_response(pdf, edition)


def _pdf_response(pdf: bytes, edition: ReportEdition) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="plp-rapport-{edition.pk}-v{edition.version}.pdf"'
    )
    return response


@coordinator_required
@require_POST
def pdf_job_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Make the PDF of a draft edition in the background and show its progress."""
    edition = get_object_or_404(ReportEdition, pk=pk)
    try:
        job = services.pdf_job_start(by=request.user, edition=edition)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(edition)
    return redirect("reporting:pdf-job", job.pk)


# After this long without a start, the page asks whether the worker runs. A PDF takes
# seconds; "busy" for longer than PDF_JOB_STALLED means its worker stopped.
PDF_JOB_WAIT_WARNING = datetime.timedelta(seconds=20)
PDF_JOB_STALLED = datetime.timedelta(minutes=5)


@coordinator_required
def pdf_job(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress of a PDF; the page polls its own fragment (htmx) until it is done."""
    job = get_object_or_404(PdfJob.objects.defer("pdf").select_related("edition"), pk=pk)
    context = {
        "job": job,
        "edition": job.edition,
        "waiting_long": job.status == PdfJob.Status.QUEUED
        and timezone.now() - job.created_at > PDF_JOB_WAIT_WARNING,
        "stalled": job.status == PdfJob.Status.RUNNING and timezone.now() - job.created_at > PDF_JOB_STALLED,
    }
    if request.headers.get("HX-Request"):
        return render(request, "reporting/_pdf_job.html", context)
    return render(request, "reporting/pdf_job.html", context)


@coordinator_required
def pdf_job_download(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(PdfJob.objects.select_related("edition"), pk=pk, status=PdfJob.Status.DONE)
    log_action(by=request.user, action="reporting.edition.pdf_downloaded", obj=job.edition)
    return _pdf_response(bytes(job.pdf), job.edition)


@coordinator_required
def edition_json(request: HttpRequest, pk: int) -> HttpResponse:
    edition = get_object_or_404(ReportEdition, pk=pk)
    data = edition.figures_json if edition.is_final else services.edition_figures(edition)
    log_action(by=request.user, action="reporting.edition.json_downloaded", obj=edition)
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'attachment; filename="plp-cijfers-{edition.pk}.json"'
    return response


@coordinator_required
@require_POST
def edition_finalise(request: HttpRequest, pk: int) -> HttpResponse:
    edition = get_object_or_404(ReportEdition, pk=pk)
    try:
        services.edition_finalise(by=request.user, edition=edition)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The edition is final: its figures and PDF are frozen."))
    return redirect(edition)


ITEMS = {
    "task": (WorkPlanTask, TaskForm),
    "risk": (Risk, RiskForm),
    "deliverable": (Deliverable, DeliverableForm),
}


@coordinator_required
def item_edit(request: HttpRequest, pk: int, kind: str, item_pk: int | None = None) -> HttpResponse:
    """Add or change a work-plan task, risk or deliverable of a draft edition."""
    if kind not in ITEMS:
        raise Http404
    model, form_class = ITEMS[kind]
    title = capfirst(model._meta.verbose_name)
    edition = get_object_or_404(ReportEdition, pk=pk)
    if refused := _refuse_final(request, edition):
        return refused
    item = get_object_or_404(model, pk=item_pk, edition=edition) if item_pk else model(edition=edition)
    form = form_class(request.POST or None, instance=item)
    if request.method == "POST":
        if "delete" in request.POST and item.pk:
            services.item_delete(by=request.user, item=item)
            messages.success(request, _("Deleted."))
            return redirect(edition)
        if form.is_valid():
            services.item_save(by=request.user, item=form.instance)
            messages.success(request, _("%(what)s saved.") % {"what": title})
            return redirect(edition)
    return render(request, "participants/form.html", {"form": form, "title": title, "delete": bool(item.pk)})


@coordinator_required
def project_year_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    instance = get_object_or_404(ProjectYear, pk=pk) if pk else None
    form = ProjectYearForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        services.project_year_save(by=request.user, project_year=form.instance)
        messages.success(request, _("Project year saved."))
        return redirect("reporting:edition-list")
    return render(request, "participants/form.html", {"form": form, "title": _("Project year")})


@coordinator_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The programme at a glance; every number links to the participants behind it."""
    from .dashboard import dashboard as dashboard_data

    # Hundreds of coaches in a national programme: their table in pages of 25.
    data = dashboard_data(page_number=request.GET.get("page"))
    return render(
        request,
        "reporting/dashboard.html",
        {
            **data,
            "period": data["year"],
            "reference_date": data["today"],
            "traceable": True,
        },
    )
