"""The learning route in a participant's file: pick learning goals, the assignment per
goal, the quick observation form, and the trajectory's learning page (matrix and
evidence; STARR text only for the assigned coach and coordinators)."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from plp.audit import log_action
from plp.roles import PEER_EXPERT, has_role

from .. import goals as learning_goals
from ..learning_forms import GoalForm, GoalsForm, ObservationForm, submit_helper
from ..models import LearningGoal, Observation, Trajectory
from ..selectors import may_see_sensitive, participant_for_user
from ..services import learning
from .common import _form_page, _run, _unavailable


def _trajectory(request: HttpRequest, pk: int, trajectory_pk: int, *, write: bool = False):
    """The participant (404 for another coach) and their goal trajectory. Writing is for
    coaches and coordinators who see the participant, not for peer experts."""
    participant = participant_for_user(request, pk, lean=True)
    if write and has_role(request.user, PEER_EXPERT) and not may_see_sensitive(request.user, participant):
        raise Http404
    trajectory = get_object_or_404(
        Trajectory, pk=trajectory_pk, participant=participant, kind__in=learning.GOAL_KINDS
    )
    trajectory.participant = participant
    return participant, trajectory


def learning_page(request: HttpRequest, pk: int, trajectory_pk: int) -> HttpResponse:
    """One trajectory's goals (matrix) and its evidence, newest first."""
    participant, trajectory = _trajectory(request, pk, trajectory_pk)
    sensitive = may_see_sensitive(request.user, participant)
    tables = [t for t in learning_goals.matrix(participant) if t.trajectory.pk == trajectory.pk]
    observations = list(
        trajectory.observations.select_related("mentor", "author", "attachment")
        .prefetch_related("steps__goal__work_process")
        .order_by("-date", "-pk")
    )
    if sensitive and observations:
        # The evidence's text is classified special: reading it is audited (ids only).
        log_action(
            by=request.user,
            action="participants.observation.viewed",
            participant=participant,
            data={"trajectory": trajectory.pk},
        )
    return render(
        request,
        "participants/learning_page.html",
        {
            "participant": participant,
            "trajectory": trajectory,
            "table": tables[0] if tables else None,
            "observations": observations,
            "sensitive": sensitive,
            "may_write": sensitive or not has_role(request.user, PEER_EXPERT),
            "judgment_url": reverse("participants:judgment", args=[participant.pk, trajectory.pk])
            if sensitive and tables
            else None,
        },
    )


def goals_pick(request: HttpRequest, pk: int, trajectory_pk: int) -> HttpResponse:
    """Choose the work processes this trajectory works on (from one or more files)."""
    participant, trajectory = _trajectory(request, pk, trajectory_pk, write=True)
    form = GoalsForm(request.POST or None, trajectory=trajectory)
    if (
        request.method == "POST"
        and form.is_valid()
        and _run(
            form,
            learning.goals_add,
            by=request.user,
            trajectory=trajectory,
            work_processes=form.cleaned_data["work_processes"],
        )
    ):
        messages.success(request, _("Learning goals saved. Write the assignment at this workplace per goal."))
        return redirect("participants:learning", pk=participant.pk, trajectory_pk=trajectory.pk)
    return render(
        request,
        "participants/goals_pick.html",
        {"form": form, "participant": participant, "trajectory": trajectory},
        status=503 if _unavailable(form) else 200,
    )


def goal_edit(request: HttpRequest, pk: int, goal_pk: int) -> HttpResponse:
    """The assignment of one goal as it is done at this workplace; remove a goal without evidence."""
    participant = participant_for_user(request, pk, lean=True)
    goal = get_object_or_404(
        LearningGoal.objects.select_related("trajectory", "work_process"),
        pk=goal_pk,
        trajectory__participant=participant,
    )
    _trajectory(request, pk, goal.trajectory_id, write=True)
    back = redirect("participants:learning", pk=participant.pk, trajectory_pk=goal.trajectory_id)
    form = GoalForm(request.POST or None, instance=goal)
    if request.method == "POST" and "delete" in request.POST:
        form = GoalForm(instance=goal)
        if _run(form, learning.goal_delete, by=request.user, goal=goal):
            messages.success(request, _("Learning goal removed."))
            return back
    elif (
        request.method == "POST"
        and form.is_valid()
        and _run(form, learning.goal_save, by=request.user, goal=form.instance)
    ):
        messages.success(request, _("%(what)s saved.") % {"what": goal.work_process})
        return back
    return _form_page(request, participant, form, str(goal.work_process), {"delete": True})


def observation_create(request: HttpRequest, pk: int, trajectory_pk: int) -> HttpResponse:
    """The quick form: date (today), who observed, a step per goal, the STARR fields."""
    participant, trajectory = _trajectory(request, pk, trajectory_pk, write=True)
    goals = list(trajectory.goals.select_related("work_process"))
    form = ObservationForm(request.POST or None, trajectory=trajectory, goals=goals)
    if request.method == "GET" and form.fields["attachment"].queryset.exists():
        # The documents' titles are special: listing them to choose from is a reading.
        log_action(by=request.user, action="participants.attachment.viewed", participant=participant, data={})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _run(
            form,
            learning.observation_record,
            by=request.user,
            participant=participant,
            trajectory=trajectory,
            date=data["date"],
            observer=data["observer"],
            mentor=data.get("mentor"),
            attachment=data.get("attachment"),
            steps=form.steps,
            **form.texts,
        ):
            messages.success(request, _("Observation saved."))
            return redirect("participants:learning", pk=participant.pk, trajectory_pk=trajectory.pk)
    return render(
        request,
        "participants/observation_form.html",
        {
            "form": form,
            "participant": participant,
            "trajectory": trajectory,
            "title": _("Observation"),
            "helper": submit_helper(_("Save")),
        },
        status=503 if _unavailable(form) else 200,
    )


def observation_delete(request: HttpRequest, pk: int, record_pk: int) -> HttpResponse:
    """Remove an observation recorded by mistake (POST; the assigned coach and coordinators)."""
    participant = participant_for_user(request, pk, lean=True, sensitive=True)
    observation = get_object_or_404(Observation, pk=record_pk, participant=participant)
    if request.method == "POST":
        learning.observation_delete(by=request.user, observation=observation)
        messages.success(request, _("Observation removed."))
    return redirect("participants:learning", pk=participant.pk, trajectory_pk=observation.trajectory_id)
