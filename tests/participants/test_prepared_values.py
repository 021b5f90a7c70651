"""`Prepared` called with a tuple of values (participants/prepared.py): numbers and texts
fill their stand-ins, in plain comparisons and in LIKE patterns escaped as the ORM
escapes them; the SQL is the ORM's; `outer` wraps it; one compilation per key and types."""

import pytest
from django.db.models import Q

from participants.models import Participant
from participants.prepared import Prepared
from tests.factories import ParticipantFactory

pytestmark = pytest.mark.django_db


def _named(values):
    """Files of coach values[0] or among values[1:3], whose name contains values[3] and
    whose last name is at most values[4]."""
    coach, a, b, word, bound = values
    return Participant.objects.filter(Q(coach=coach) | Q(pk__in=[a, b])).filter(
        search_text__icontains=word, last_name__lte=bound
    )


def test_numbers_and_texts_fill_their_stand_ins(coach, other_coach):
    names = ["50% Kok", "a_b Bos", "back\\slash", "PLP3STANDIN", "Jansen", "jansen"]
    files = [ParticipantFactory(coach=coach, first_name="X", last_name=n) for n in names]
    others = [ParticipantFactory(coach=other_coach, first_name="X", last_name=n) for n in names]
    query = Prepared(lambda values: _named(values).order_by("pk").values_list("pk"))
    for word in ("50%", "a_b", "_", "%", "\\", "PLP3STANDIN", "PLP0STANDIN", "jansen", "JAN", "zz"):
        for bound in ("z", "b", "PLP3STANDIN", "50% Kok"):
            values = (coach.pk, others[0].pk, others[3].pk, word, bound)
            expected = list(_named(values).order_by("pk").values_list("pk", flat=True))
            assert [row[0] for row in query.rows(values)] == expected, (word, bound)
            sql, params = _named(values).order_by("pk").values_list("pk").query.sql_with_params()
            assert query.sql(values) == (sql, list(params))
    assert len(query.compiled) == 1  # one shape: compiled once
    assert {row[0] for row in query.rows((coach.pk, others[0].pk, others[0].pk, "X", "zz"))} == {
        *(p.pk for p in files),
        others[0].pk,
    }


def test_outer_wraps_the_compiled_sql(coach):
    for i in range(3):
        ParticipantFactory(coach=coach, last_name=f"Naam{i}")
    count = Prepared(
        lambda values, limit: (
            Participant.objects.filter(coach=values[0], last_name__startswith=values[1])
            .order_by()
            .values_list("pk")[:limit]
        ),
        outer="SELECT COUNT(*) FROM ({}) subquery",
    )
    assert count.rows((coach.pk, "Naam"), 10) == [(3,)]
    assert count.rows((coach.pk, "Naam"), 2) == [(2,)]
    assert count.rows((coach.pk, "Naam1"), 10) == [(1,)]
    assert count.rows((coach.pk, "%"), 10) == [(0,)]  # escaped: no wildcard
    assert len(count.compiled) == 2  # per limit (the key), not per value
