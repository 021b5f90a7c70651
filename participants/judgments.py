"""The summary judgment and the ervaringscertificaat as documents: the judgment prefilled
from the evidence, and both rendered as PDF (WeasyPrint through plp/pdf.py, which reads
only the app's static files). Dutch, whatever the user's language: they leave the app."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from plp.pdf import html_to_pdf

from .goals import GoalRow, matrix
from .models import Judgment, Observation, Participant, Step, Trajectory


@dataclass
class Proposal:
    """What the judgment form starts from for one goal."""

    row: GoalRow
    mastered: bool | None
    motivation: str
    evidence_dates: list[datetime.date]


def goal_rows(trajectory: Trajectory) -> list[GoalRow]:
    tables = [t for t in matrix(trajectory.participant) if t.trajectory.pk == trajectory.pk]
    return tables[0].rows if tables else []


def proposals(trajectory: Trajectory) -> list[Proposal]:
    """Per goal: mastered when the latest step is 4, and a motivation from the evidence
    (when it was seen at which step, by whom, and what the latest observation said)."""
    rows = goal_rows(trajectory)
    observations = {
        o.pk: o
        for o in Observation.objects.filter(trajectory=trajectory)
        .prefetch_related("steps")
        .order_by("date", "pk")
    }
    by_goal: dict[int, list[tuple[Observation, int]]] = {}
    for o in observations.values():
        for s in o.steps.all():
            by_goal.setdefault(s.goal_id, []).append((o, s.step))
    out = []
    for row in rows:
        seen = by_goal.get(row.goal.pk, [])
        out.append(
            Proposal(
                row=row,
                mastered=(row.step == Step.INDEPENDENT) if row.step else None,
                motivation=_motivation(row, seen),
                evidence_dates=sorted({o.date for o, _s in seen}),
            )
        )
    return out


def _motivation(row: GoalRow, seen: list[tuple[Observation, int]]) -> str:
    if not seen:
        return ""
    with translation.override(settings.LANGUAGE_CODE):
        parts = [
            _("Observed %(n)s times between %(first)s and %(last)s.")
            % {
                "n": len(seen),
                "first": seen[0][0].date.strftime("%d-%m-%Y"),
                "last": seen[-1][0].date.strftime("%d-%m-%Y"),
            }
        ]
        if row.mastered_on:
            independent = sum(1 for _o, s in seen if s == Step.INDEPENDENT)
            parts.append(
                _("Carried out independently since %(date)s (%(n)s times).")
                % {"date": row.mastered_on.strftime("%d-%m-%Y"), "n": independent}
            )
        else:
            parts.append(_("Latest step: %(step)s.") % {"step": Step(row.step).label})
        latest = seen[-1][0]
        said = " ".join(t for t in (latest.action, latest.result) if t)
        if said:
            parts.append(said)
    return " ".join(parts)


def judgment_pdf(judgment: Judgment) -> bytes:
    """The judgment as the school receives it: participant, qualification file(s), each
    work process with its judgment and evidence dates, and signature blocks."""
    items = list(judgment.items.select_related("goal__work_process__qualification"))
    for item in items:
        item.evidence_shown = [_dutch_date(d) for d in item.evidence_dates]
    files = sorted({i.goal.work_process.qualification for i in items}, key=lambda f: f.crebo)
    placement = judgment.participant.placements.select_related("employer").order_by("-start").first()
    with translation.override(settings.LANGUAGE_CODE):
        return html_to_pdf(
            "participants/judgment_pdf.html",
            {
                "judgment": judgment,
                "participant": judgment.participant,
                "trajectory": judgment.trajectory,
                "items": items,
                "files": files,
                "placement": placement,
                "coach": judgment.trajectory.participant.coach,
                "today": timezone.localdate(),
            },
        )


def _dutch_date(iso: str) -> str:
    try:
        return datetime.date.fromisoformat(iso).strftime("%d-%m-%Y")
    except (TypeError, ValueError):
        return str(iso)


def certificate_context(participant: Participant) -> dict:
    """The ervaringscertificaat: name, period, workplace(s), and what was learned (the
    goals at step 3 or 4, with the step reached)."""
    tables = matrix(participant)
    best: dict[int, GoalRow] = {}  # a work process of two trajectories: its highest step
    for row in (r for t in tables for r in t.rows if r.step and r.step >= Step.SOME_HELP):
        wp = row.goal.work_process_id
        if wp not in best or row.step > best[wp].step:
            best[wp] = row
    learned = sorted(best.values(), key=lambda r: r.goal.work_process.code)
    trajectories = list(participant.trajectories.exclude(start=None).order_by("start"))
    placements = list(participant.placements.select_related("employer").order_by("start"))
    start = min((t.start for t in trajectories), default=None)
    ends = [t.end for t in trajectories]
    end = None if not ends or None in ends else max(ends)
    return {
        "participant": participant,
        "name": settings.PLP_CERTIFICATE_NAME,
        "start": start,
        "end": end,
        "employers": list(dict.fromkeys(p.employer.name for p in placements)),
        "learned": learned,
        "today": timezone.localdate(),
    }


def certificate_pdf(participant: Participant) -> bytes:
    with translation.override(settings.LANGUAGE_CODE):
        return html_to_pdf("participants/certificate_pdf.html", certificate_context(participant))
