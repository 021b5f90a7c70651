"""Account management: administrators manage coaches and peer experts only; granting
the coordinator or administrator role needs a coordinator; every role change is
audited and shown to coordinators."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice

from plp.models import AuditEntry
from plp.roles import ADMINISTRATOR, COACH, COORDINATOR, PEER_EXPERT
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()
STRONG = "lang-en-sterk-wachtwoord-42"


@pytest.fixture
def admin(db):
    return UserFactory(username="dirk", role=ADMINISTRATOR)


@pytest.fixture
def admin_client(admin):
    client = Client()
    client.force_login(admin)
    return client


def account_data(client, user, **changes) -> dict:
    """What the account form posts back for `user`, with `changes`."""
    url = reverse("participants:user-edit", args=[user.pk])
    form = client.get(url).context["form"]
    data = {name: form[name].value() for name in form.fields if name not in ("password1", "password2")}
    data = {k: v for k, v in data.items() if v not in (None, False)}
    return {**data, **changes}


def new_account(**changes) -> dict:
    return {
        "username": "eva",
        "first_name": "Eva",
        "last_name": "Kok",
        "email": "eva@example.org",
        "is_active": "on",
        "role": COACH,
        "password1": STRONG,
        "password2": STRONG,
        **changes,
    }


def role(user) -> list[str]:
    return list(user.groups.values_list("name", flat=True))


def test_administrator_is_offered_coach_and_peer_expert_only(admin_client):
    form = admin_client.get(reverse("participants:user-create")).context["form"]
    assert [value for value, _label in form.fields["role"].choices] == [COACH, PEER_EXPERT]


@pytest.mark.parametrize("granted", [COORDINATOR, ADMINISTRATOR])
def test_administrator_cannot_create_a_coordinator_or_administrator(admin_client, granted):
    response = admin_client.post(reverse("participants:user-create"), new_account(role=granted))
    assert response.status_code == 200 and "Eva" in response.content.decode()  # input kept
    assert not User.objects.filter(username="eva").exists()


def test_administrator_cannot_make_themselves_coordinator(admin, admin_client):
    url = reverse("participants:user-edit", args=[admin.pk])
    assert admin_client.get(url).status_code == 403
    data = {"username": admin.username, "email": "x@example.org", "is_active": "on", "role": COORDINATOR}
    assert admin_client.post(url, data).status_code == 403
    assert role(admin) == [ADMINISTRATOR]
    assert AuditEntry.objects.filter(action="plp.page.denied", user_id=admin.pk).exists()


@pytest.mark.parametrize("granted", [COORDINATOR, ADMINISTRATOR])
def test_administrator_cannot_promote_a_coach(admin_client, granted):
    coach = UserFactory(username="carla", role=COACH)
    data = account_data(admin_client, coach, role=granted)
    assert admin_client.post(reverse("participants:user-edit", args=[coach.pk]), data).status_code == 200
    assert role(coach) == [COACH]
    assert not AuditEntry.objects.filter(action="auth.user.role_changed").exists()


@pytest.mark.parametrize("target_role", [COORDINATOR, ADMINISTRATOR])
def test_administrator_cannot_touch_a_coordinators_password_or_second_factor(admin_client, target_role):
    target = UserFactory(username="cora", role=target_role)
    StaticDevice.objects.create(user=target, name="recovery", confirmed=True)
    url = reverse("participants:user-edit", args=[target.pk])
    assert admin_client.get(url).status_code == 403
    data = {
        "username": "cora",
        "email": "cora@example.org",
        "is_active": "on",
        "role": COACH,
        "password1": STRONG,
        "password2": STRONG,
    }
    assert admin_client.post(url, data).status_code == 403
    assert admin_client.post(url, {"reset_2fa": "1"}).status_code == 403
    target.refresh_from_db()
    assert not target.check_password(STRONG) and role(target) == [target_role]
    assert StaticDevice.objects.filter(user=target).exists()
    # The accounts list shows them, without a link to the form.
    html = admin_client.get(reverse("participants:user-list")).content.decode()
    assert "cora" in html and url not in html


def test_administrator_manages_coaches_and_peer_experts(admin_client):
    assert (
        admin_client.post(reverse("participants:user-create"), new_account(role=PEER_EXPERT)).status_code
        == 302
    )
    eva = User.objects.get(username="eva")
    assert role(eva) == [PEER_EXPERT]
    data = account_data(admin_client, eva, role=COACH, password1=STRONG + "!", password2=STRONG + "!")
    assert admin_client.post(reverse("participants:user-edit", args=[eva.pk]), data).status_code == 302
    eva.refresh_from_db()
    assert role(eva) == [COACH] and eva.check_password(STRONG + "!")
    StaticDevice.objects.create(user=eva, name="recovery", confirmed=True)
    admin_client.post(reverse("participants:user-edit", args=[eva.pk]), {"reset_2fa": "1"})
    assert not StaticDevice.objects.filter(user=eva).exists()


def test_coordinator_grants_every_role_and_each_change_is_audited(coordinator_client, coordinator):
    admin = UserFactory(username="dirk", role=ADMINISTRATOR)
    url = reverse("participants:user-edit", args=[admin.pk])
    data = account_data(coordinator_client, admin, role=COORDINATOR)
    assert coordinator_client.post(url, data).status_code == 302
    assert role(admin) == [COORDINATOR]
    assert (
        coordinator_client.post(
            reverse("participants:user-create"), new_account(role=ADMINISTRATOR)
        ).status_code
        == 302
    )
    eva = User.objects.get(username="eva")
    changes = [
        (e.user_id, e.data) for e in AuditEntry.objects.filter(action="auth.user.role_changed").order_by("pk")
    ]
    assert changes == [
        (coordinator.pk, {"user_id": admin.pk, "old": ADMINISTRATOR, "new": COORDINATOR}),
        (coordinator.pk, {"user_id": eva.pk, "old": "", "new": ADMINISTRATOR}),
    ]
    # Saving without a new role writes no role change.
    data = account_data(coordinator_client, admin, first_name="Dirk")
    assert coordinator_client.post(url, data).status_code == 302
    assert AuditEntry.objects.filter(action="auth.user.role_changed").count() == 2
    # Coordinators see the history on the account page and on the accounts list.
    html = coordinator_client.get(url).content.decode()
    assert "Rolwijzigingen" in html and "Beheerder (alleen accounts)" in html and "Coördinator" in html
    html = coordinator_client.get(reverse("participants:user-list")).content.decode()
    assert "Rolwijzigingen" in html and "eva" in html


def test_administrators_do_not_see_the_role_history(admin_client):
    coach = UserFactory(username="carla", role=COACH)
    assert "Rolwijzigingen" not in admin_client.get(reverse("participants:user-list")).content.decode()
    html = admin_client.get(reverse("participants:user-edit", args=[coach.pk])).content.decode()
    assert "Rolwijzigingen" not in html


def test_nobody_changes_their_own_role(coordinator_client, coordinator):
    url = reverse("participants:user-edit", args=[coordinator.pk])
    assert "role" not in coordinator_client.get(url).context["form"].fields
    data = account_data(coordinator_client, coordinator, role=COACH)
    assert coordinator_client.post(url, data).status_code == 302
    assert role(coordinator) == [COORDINATOR]


def test_only_a_superuser_changes_a_superuser(coordinator_client):
    root = User.objects.create_superuser("root", "root@example.org", STRONG)
    assert coordinator_client.get(reverse("participants:user-edit", args=[root.pk])).status_code == 403


def test_the_service_refuses_what_the_form_does_not_offer(admin):
    from django.core.exceptions import PermissionDenied

    from participants import services

    coach = UserFactory(username="carla", role=COACH)
    with pytest.raises(PermissionDenied):
        services.account_save(by=admin, user=coach, role=COORDINATOR)
    with pytest.raises(PermissionDenied):
        services.account_save(by=admin, user=admin, role=COACH)
    assert role(coach) == [COACH] and role(admin) == [ADMINISTRATOR]


def test_an_administrator_cannot_manage_staff_or_roleless_accounts_nor_see_activity(client, coach):
    from plp.roles import ADMINISTRATOR, may_manage_account
    from tests.factories import UserFactory

    admin = UserFactory(username="admin-x", role=ADMINISTRATOR)
    staff = UserFactory(username="staff-x", is_staff=True)
    roleless = UserFactory(username="roleless-x")
    assert not may_manage_account(admin, staff) and not may_manage_account(admin, roleless)
    assert may_manage_account(admin, coach)
    client.force_login(admin)
    assert client.get(reverse("participants:user-edit", args=[staff.pk])).status_code == 403
    page = client.get(reverse("participants:user-edit", args=[coach.pk]))
    assert page.status_code == 200 and page.context["activity"] is None


def test_no_one_switches_their_own_account_off(coordinator_client, coordinator):
    form = coordinator_client.get(reverse("participants:user-edit", args=[coordinator.pk])).context["form"]
    assert "is_active" not in form.fields and "role" not in form.fields


def test_user_name_and_email_are_unique_capitals_aside(admin_client):
    """A second login that differs only in capitals, or shares a mailbox, is refused with
    what was typed kept; the account's own values may be saved again."""
    assert admin_client.post(reverse("participants:user-create"), new_account()).status_code == 302
    response = admin_client.post(
        reverse("participants:user-create"), new_account(username="EVA", email="Eva@Example.org")
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "capitals aside" in errors["username"][0] or "hoofdletters" in errors["username"][0]
    assert errors["email"]
    assert 'value="EVA"' in response.content.decode()
    assert User.objects.filter(username__iexact="eva").count() == 1
    eva = User.objects.get(username="eva")
    response = admin_client.post(
        reverse("participants:user-edit", args=[eva.pk]),
        account_data(admin_client, eva, email="EVA@example.org"),
    )
    assert response.status_code == 302
    eva.refresh_from_db()
    assert eva.email == "EVA@example.org"
