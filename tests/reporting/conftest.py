import pytest

from reporting.models import ReportEdition
from tests.conftest import load_demo


@pytest.fixture
def demo(db, demo_dump):
    """The demo programme of the source report, with its report edition."""
    load_demo(demo_dump)
    return ReportEdition.objects.get()
