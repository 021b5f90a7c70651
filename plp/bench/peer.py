"""The honest stock peer: the Django admin changelist of participants with the caseload's
columns (current placement, last contact, open signals, phase), built the usual way by
annotation (Max, Count with a filter, a placement subquery) with the full result count.
It is given the stored phase as a plain column (computing the phase per row the usual
way, in Python or as a CASE in the GROUP BY, makes it ten times slower still).
It runs outside the URLconf, on its own AdminSite named like the real one so that its
links resolve."""

from django.contrib import admin
from django.db.models import Count, F, Max, OuterRef, Q, Subquery
from django.test import RequestFactory
from django.utils import timezone

from participants import lifecycle
from participants.models import Participant, Placement


class CaseloadPeerAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "first_name",
        "last_name",
        "coach",
        "placement",
        "last_contact",
        "open_signals",
        "phase",
    ]
    list_select_related = ["coach"]
    ordering = ["last_name", "pk"]
    list_per_page = 25
    search_fields = ["number", "first_name", "last_name"]

    def get_queryset(self, request):
        today = timezone.localdate()
        current = (
            Placement.objects.filter(participant=OuterRef("pk"), start__lte=today)
            .filter(Q(end__isnull=True) | Q(end__gte=today))
            .order_by("-start")
        )
        return (
            super()
            .get_queryset(request)
            .annotate(
                last_contact=Max("entries__date"),
                open_signals=Count("signals", filter=Q(signals__closed_on__isnull=True), distinct=True),
                placement=Subquery(current.values("employer__name")[:1]),
                phase=F("stored_phase"),
            )
        )

    @admin.display(description="leerwerkplek")
    def placement(self, obj):
        return obj.placement

    @admin.display(description="laatste contact", ordering="last_contact")
    def last_contact(self, obj):
        return obj.last_contact

    @admin.display(description="open signalen")
    def open_signals(self, obj):
        return obj.open_signals

    @admin.display(description="fase")
    def phase(self, obj):
        return lifecycle.Phase(obj.phase).label


site = admin.AdminSite(name="admin")
site.register(Participant, CaseloadPeerAdmin)


def changelist(user, params: dict) -> int:
    """Render page `params` of the peer changelist as `user`; returns the size in bytes."""
    request = RequestFactory().get("/admin/participants/participant/", params)
    request.user = user
    response = site._registry[Participant].changelist_view(request)
    response.render()
    assert response.status_code == 200, response.status_code
    return len(response.content)
