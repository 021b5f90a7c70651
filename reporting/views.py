import datetime

from django.db.models import Min
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from participants.models import Trajectory
from plp.roles import coordinator_required

from .figures import Period, compute_figures, yearly_table


@coordinator_required
def overview(request: HttpRequest) -> HttpResponse:
    """The yearly table of the counting rules, from the first trajectory to this year."""
    today = timezone.localdate()
    first = Trajectory.objects.aggregate(first=Min("start"))["first"] or today
    try:
        reference_date = datetime.date.fromisoformat(request.GET.get("peildatum", ""))
    except ValueError:
        reference_date = today
    years = yearly_table(first.year, today.year)
    total = compute_figures(
        Period(datetime.date(first.year, 1, 1), datetime.date(today.year, 12, 31)), reference_date
    )
    return render(
        request, "reporting/overview.html", {"years": years, "total": total, "reference_date": reference_date}
    )
