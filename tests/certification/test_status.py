"""The effective status: derived from the stored status and the dates (today in Tokyo), the same
in Python and in SQL, and used by every page and the API, so a registration whose validity
ended is never shown as active, even before the nightly sweep."""

import datetime
import itertools
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from certification.choices import EffectiveStatus
from certification.models import Registration
from certification.selectors import (
    derive_status,
    effective_status_of,
    effective_status_q,
    registration_public_list,
    scheme_today,
    with_effective_status,
)
from tests.factories.certification import RegistrationFactory, register

pytestmark = pytest.mark.django_db

TOKYO = ZoneInfo("Asia/Tokyo")
E = EffectiveStatus
S = Registration.Status
DAY = datetime.date(2027, 6, 10)


@pytest.mark.parametrize(
    ("status", "offset_from", "offset_until", "continued"),
    list(
        itertools.product(
            S.values,
            [-400, -1, 0, 1],
            [-1, 0, 1, 400],
            [False, True],
        )
    ),
)
def test_python_and_sql_agree(status, offset_from, offset_until, continued):
    valid_from = DAY + datetime.timedelta(days=offset_from)
    valid_until = max(DAY + datetime.timedelta(days=offset_until), valid_from)
    valid_until += datetime.timedelta(days=1) if valid_until == valid_from else datetime.timedelta()
    registration = RegistrationFactory.create(
        status=status, valid_from=valid_from, valid_until=valid_until, registered_on=valid_from
    )
    if continued:
        RegistrationFactory.create(
            organisation=registration.organisation,
            supersedes=registration,
            valid_from=valid_until + datetime.timedelta(days=1),
            registered_on=valid_from,
        )
    annotated = with_effective_status(today=DAY).get(pk=registration.pk)
    expected = derive_status(
        status=status,
        valid_from=valid_from,
        valid_until=valid_until,
        continued=continued,
        today=DAY,
    )
    assert annotated.__dict__["effective_status"] == expected
    assert effective_status_of(registration, today=DAY) == expected
    for candidate in E.values:
        matches = Registration.objects.filter(
            effective_status_q(candidate, today=DAY), pk=registration.pk
        ).exists()
        assert matches == (candidate == expected), candidate


def test_the_rules():
    common = {"valid_from": DAY, "valid_until": DAY + datetime.timedelta(days=364)}
    assert derive_status(status=S.ACTIVE, continued=False, today=DAY, **common) == E.ACTIVE
    last_day = common["valid_until"]
    assert derive_status(status=S.ACTIVE, continued=False, today=last_day, **common) == E.ACTIVE
    after = last_day + datetime.timedelta(days=1)
    assert derive_status(status=S.ACTIVE, continued=False, today=after, **common) == E.EXPIRED
    assert derive_status(status=S.ACTIVE, continued=True, today=after, **common) == E.SUPERSEDED
    assert derive_status(status=S.SUSPENDED, continued=False, today=after, **common) == E.EXPIRED
    assert derive_status(status=S.SUSPENDED, continued=False, today=DAY, **common) == E.SUSPENDED
    before = DAY - datetime.timedelta(days=1)
    assert (
        derive_status(status=S.ACTIVE, continued=False, today=before, **common) == E.NOT_YET_VALID
    )
    assert derive_status(status=S.REVOKED, continued=True, today=DAY, **common) == E.REVOKED


def _moment(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TOKYO)


def test_the_boundary_day_in_tokyo_everywhere(client: Client):
    """Valid through the last day (23:59 in Tokyo, which is still that day's afternoon in UTC),
    expired from 00:00 the next day in Tokyo (15:00 UTC of the last day), on every surface, with
    no sweep run."""
    with time_machine.travel(_moment(datetime.date(2026, 12, 1), 10), tick=False):
        registration = register()
    last_day = registration.valid_until
    assert last_day == datetime.date(2027, 11, 30)
    api = "/api/v1/ledger/registrations/"
    number = registration.number

    with time_machine.travel(_moment(last_day, 23, 59), tick=False):
        assert scheme_today() == last_day
        assert (
            registration_public_list().get(pk=registration.pk).__dict__["effective_status"]
            == E.ACTIVE
        )
        assert client.get(api).json()["results"][0]["status"] == "active"
        page = client.get(f"/verify/{number}/").content.decode()
        assert "2027年11月30日まで有効です" in page
        assert "失効" not in page
        assert "2027/11/30まで有効" in client.get(f"/verify/{number}/badge.svg").content.decode()

    with time_machine.travel(_moment(last_day + datetime.timedelta(days=1), 0, 0), tick=False):
        assert datetime.datetime.now(tz=datetime.UTC).date() == last_day  # still the 30th in UTC
        assert scheme_today() == last_day + datetime.timedelta(days=1)
        assert Registration.objects.get(pk=registration.pk).status == S.ACTIVE  # no sweep yet
        assert (
            registration_public_list().get(pk=registration.pk).__dict__["effective_status"]
            == E.EXPIRED
        )
        result = client.get(api).json()["results"][0]
        assert result["status"] == "expired"
        assert result["status_since"] == "2027-12-01"
        assert client.get(api, {"status": "active"}).json()["count"] == 0
        assert client.get(api, {"status": "expired"}).json()["count"] == 1
        page = client.get(f"/verify/{number}/").content.decode()
        assert "無効" in page
        assert "2027年12月1日に失効しました" in page
        badge = client.get(f"/verify/{number}/badge.svg").content.decode()
        assert "失効（有効期限 2027/11/30）" in badge
        assert "まで有効" not in badge


def test_a_renewal_is_not_yet_valid_until_its_first_day_and_then_supersedes():
    with time_machine.travel(_moment(datetime.date(2027, 1, 15), 9), tick=False):
        old = register()
    with time_machine.travel(_moment(datetime.date(2027, 12, 20), 9), tick=False):
        renewal = register(organisation=old.organisation, renews=old)
        assert renewal.valid_from == datetime.date(2028, 1, 15)
        assert effective_status_of(renewal) == E.NOT_YET_VALID
        assert effective_status_of(old) == E.ACTIVE
    with time_machine.travel(_moment(datetime.date(2028, 1, 14), 23, 59), tick=False):
        assert effective_status_of(old) == E.ACTIVE
        assert effective_status_of(renewal) == E.NOT_YET_VALID
    with time_machine.travel(_moment(datetime.date(2028, 1, 15), 0, 0), tick=False):
        assert effective_status_of(old) == E.SUPERSEDED
        assert effective_status_of(renewal) == E.ACTIVE
        statuses = {
            r.number: r.__dict__["effective_status"]
            for r in registration_public_list(corporate_number=old.corporate_number)
        }
        assert statuses == {old.number: "superseded", renewal.number: "active"}
