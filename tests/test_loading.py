"""plp/loading.py: the session, the user and the second-factor device read with SQL compiled
once give what Django's and django-otp's own reads give, with the same checks after."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore as DjangoSessionStore
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from plp.loading import DEVICE, SESSION, USER, ModelBackend, OTPMiddleware, SessionStore

User = get_user_model()


def fields(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def test_user_as_the_orm_reads_it(coach, coordinator):
    for user in (coach, coordinator):
        orm = User.objects.get(pk=user.pk)
        for key in (user.pk, str(user.pk)):
            found = USER.get(User, key)
            assert fields(found) == fields(orm) and found._state.db == "default"
            assert not found._state.adding
    assert USER.get(User, 987_654_321) is None
    assert USER.get(User, 2**70) is None  # out of the column's range: nothing, as the ORM
    assert User.objects.filter(pk=2**70).first() is None


def test_inactive_user_is_not_loaded(coach):
    assert ModelBackend().get_user(coach.pk) == coach
    coach.is_active = False
    coach.save()
    assert ModelBackend().get_user(coach.pk) is None
    client = Client()
    client.force_login(coach, backend="plp.loading.ModelBackend")
    assert client.get(reverse("participants:caseload")).status_code == 302


def test_session_as_djangos_store_reads_it(db):
    store = SessionStore()
    store["a"] = 1
    store.create()
    key = store.session_key
    ours, django = SessionStore(key), DjangoSessionStore(key)
    assert ours.load() == django.load() == {"a": 1}
    assert fields(SESSION.get(Session, key, timezone.now())) == fields(Session.objects.get(pk=key))
    # Expired: nothing, and the key is dropped, as Django does.
    Session.objects.filter(pk=key).update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    ours, django = SessionStore(key), DjangoSessionStore(key)
    assert ours.load() == django.load() == {}
    assert ours.session_key is None and django.session_key is None
    assert SessionStore("no-such-session-key").load() == {}


def test_device_as_django_otp_reads_it(coach, coordinator):
    totp = TOTPDevice.objects.create(user=coach, name="phone", confirmed=True)
    static = StaticDevice.objects.create(user=coordinator, name="codes", confirmed=False)
    middleware = OTPMiddleware(lambda request: None)
    for device in (totp, static):
        found = middleware._device_from_persistent_id(device.persistent_id)
        assert type(found) is type(device)
        assert fields(found) == fields(Device.from_persistent_id(device.persistent_id))
    assert DEVICE.get(TOTPDevice, totp.pk + 1000) is None
    for bad in ("otp_totp.totpdevice/x", "otp_totp.totpdevice", "nope.nope/1", "auth.user/1", ""):
        assert middleware._device_from_persistent_id(bad) is None


@pytest.fixture
def verified_client(coach, settings):
    """A coach's client whose session passed the second factor, with PLP_REQUIRE_2FA."""
    settings.PLP_REQUIRE_2FA = True
    device = TOTPDevice.objects.create(user=coach, name="phone", confirmed=True)
    client = Client()
    client.force_login(coach)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client, device


def test_second_factor_is_still_enforced(verified_client, coordinator):
    client, device = verified_client
    url = reverse("participants:caseload")
    assert client.get(url).status_code == 200
    device.confirmed = False
    device.save()
    assert client.get(url)["Location"].startswith(reverse("otp-setup"))

    # Another user's device in the session does not count.
    device.confirmed = True
    device.user = coordinator
    device.save()
    assert client.get(url).status_code == 302
    # The session forgot it (django-otp drops a device that does not hold).
    assert "otp_device_id" not in client.session


def test_deleted_device_ends_the_verification(verified_client):
    client, device = verified_client
    url = reverse("participants:caseload")
    assert client.get(url).status_code == 200
    TOTPDevice.objects.create(user=device.user, name="other", confirmed=True)
    device.delete()
    assert client.get(url)["Location"].startswith(reverse("otp-verify"))


def test_queries_of_a_small_page(coach_client, django_assert_num_queries, settings):
    """The session, the user (groups once per session, then in the session), nothing else."""
    url = reverse("password_change_done")
    coach_client.get(url)
    with django_assert_num_queries(2):
        coach_client.get(url)


def test_queries_of_a_small_page_with_second_factor(verified_client, django_assert_num_queries):
    client, _device = verified_client
    url = reverse("password_change_done")
    client.get(url)
    with django_assert_num_queries(3):  # and the session's device
        assert client.get(url).status_code == 200


def test_request_user_is_the_user_itself(verified_client, client):
    """After SessionLimitsMiddleware request.user is no lazy wrapper, and still carries
    django-otp's verification."""
    verified, device = verified_client
    user = verified.get(reverse("password_change_done")).wsgi_request.user
    assert type(user) is User and user.is_verified() and user.otp_device == device
    anonymous = client.get(reverse("login")).wsgi_request.user
    assert not anonymous.is_authenticated and not anonymous.is_verified()
