import pytest
from django.core.management import call_command

from reporting.models import ReportEdition


@pytest.fixture
def demo(db):
    """The demo programme of the source report, with its report edition."""
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    return ReportEdition.objects.get()
