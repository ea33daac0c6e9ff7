"""Creating registrations: numbers, validity, snapshots, the ledger entry and renewal
continuity (no gap, no overlap)."""

import datetime
import json
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import IntegrityError, transaction

from certification.choices import EffectiveStatus
from certification.models import Registration, RegistrationEvent
from certification.selectors import effective_status_of, validity_for
from certification.services.ledger import scope_sha256
from certification.services.lifecycle import registrations_lapse
from certification.services.registrations import registration_number_next
from core.exceptions import DomainError
from registry.models import Checkpoint, LedgerEntry
from tests.factories.bodies import OrganisationFactory
from tests.factories.certification import register, star4

pytestmark = pytest.mark.django_db

TOKYO = ZoneInfo("Asia/Tokyo")


def _at(day: datetime.date, hour: int = 10):
    return time_machine.travel(
        datetime.datetime(day.year, day.month, day.day, hour, tzinfo=TOKYO), tick=False
    )


def test_numbers_count_per_level_and_year():
    assert registration_number_next(stars=3, year=2027) == "SCS3-2027-000001"
    assert registration_number_next(stars=3, year=2027) == "SCS3-2027-000002"
    assert registration_number_next(stars=4, year=2027) == "SCS4-2027-000001"
    assert registration_number_next(stars=3, year=2028) == "SCS3-2028-000001"
    assert registration_number_next(stars=3, year=2027) == "SCS3-2027-000003"


def test_a_registration_number_is_unique_and_well_formed():
    registration = register()
    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.filter(pk=registration.pk).update(number="SCS3-27-1")
    other = register()
    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.filter(pk=other.pk).update(number=registration.number)


def test_the_status_column_is_constrained_in_the_database():
    registration = register()
    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.filter(pk=registration.pk).update(status="valid")


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (datetime.date(2027, 1, 15), datetime.date(2028, 1, 14)),
        (datetime.date(2027, 3, 1), datetime.date(2028, 2, 29)),
        (datetime.date(2028, 2, 29), datetime.date(2029, 2, 28)),
        (datetime.date(2027, 1, 31), datetime.date(2028, 1, 30)),
        (datetime.date(2027, 12, 31), datetime.date(2028, 12, 30)),
    ],
)
def test_star3_is_valid_for_one_year(start, end):
    assert validity_for(start, 12) == end


def test_register_snapshots_the_holder_and_publishes_only_public_facts():
    organisation = OrganisationFactory.create(name="株式会社登録テスト")
    with _at(datetime.date(2027, 1, 15)):
        registration = register(organisation=organisation)
    assert registration.number == "SCS3-2027-000001"
    assert (registration.valid_from, registration.valid_until) == (
        datetime.date(2027, 1, 15),
        datetime.date(2028, 1, 14),
    )
    organisation.name = "株式会社改称後"
    organisation.save()
    registration.refresh_from_db()
    assert registration.holder_name == "株式会社登録テスト"
    entry = LedgerEntry.objects.get(registration_number=registration.number)
    leaf = json.loads(bytes(entry.leaf))
    assert leaf == {
        "type": "registration.created",
        "v": 1,
        "seq": entry.seq,
        "registration_number": registration.number,
        "corporate_number": organisation.corporate_number,
        "organisation_name": "株式会社登録テスト",
        "star": 3,
        "scheme_edition": registration.edition.code,
        "scope": f"entities: {organisation.corporate_number}; sites: 本社（東京都千代田区）",
        "sha256": scope_sha256(registration.scope),
        "valid_from": "2027-01-15",
        "valid_until": "2028-01-14",
        "effective": "2027-01-15",
        "reason_code": "registered",
    }
    event = RegistrationEvent.objects.get(registration=registration)
    assert (event.kind, event.ledger_seq) == ("registered", entry.seq)
    assert Checkpoint.objects.filter(tree_size__gt=entry.seq).exists()


def test_star4_is_valid_for_three_years():
    with _at(datetime.date(2027, 4, 1)):
        registration = register(level=star4())
    assert registration.number.startswith("SCS4-2027-")
    assert registration.valid_until == datetime.date(2030, 3, 31)


def test_a_renewal_registered_before_expiry_continues_without_gap_or_overlap():
    with _at(datetime.date(2027, 1, 15)):
        old = register()
    with _at(datetime.date(2027, 12, 1)):
        renewal = register(organisation=old.organisation, renews=old)
    assert renewal.supersedes == old
    assert renewal.valid_from == old.valid_until + datetime.timedelta(days=1)
    assert renewal.valid_until == datetime.date(2029, 1, 14)
    assert renewal.registered_on == datetime.date(2027, 12, 1)
    entry = json.loads(bytes(LedgerEntry.objects.get(registration_number=renewal.number).leaf))
    assert (entry["reason_code"], entry["decision_ref"]) == ("renewed", old.number)
    with pytest.raises(DomainError) as error:
        register(organisation=old.organisation, renews=old)
    assert error.value.code == "already_renewed"
    # The sweep marks the old one superseded once the renewal has started.
    with _at(datetime.date(2028, 1, 14), 23):
        assert registrations_lapse() == 0
    with _at(datetime.date(2028, 1, 15), 0):
        assert registrations_lapse() == 1
        assert registrations_lapse() == 0
    old.refresh_from_db()
    assert (old.status, old.status_since) == ("superseded", datetime.date(2028, 1, 15))
    leaf = json.loads(
        bytes(LedgerEntry.objects.filter(registration_number=old.number).latest("seq").leaf)
    )
    assert leaf["type"] == "registration.superseded"
    assert leaf["decision_ref"] == renewal.number


def test_a_renewal_registered_after_expiry_starts_on_its_registration_day():
    with _at(datetime.date(2027, 1, 15)):
        old = register()
    with _at(datetime.date(2028, 2, 1)):
        assert effective_status_of(old) == EffectiveStatus.EXPIRED
        renewal = register(organisation=old.organisation, renews=old)
        assert renewal.supersedes is None
        assert (renewal.valid_from, renewal.valid_until) == (
            datetime.date(2028, 2, 1),
            datetime.date(2029, 1, 31),
        )
        old.refresh_from_db()
        assert (old.status, old.status_since) == ("expired", datetime.date(2028, 1, 15))
        assert effective_status_of(old) == EffectiveStatus.EXPIRED


def test_a_renewal_continues_only_the_same_holder_and_level():
    old = register()
    with pytest.raises(DomainError) as error:
        register(organisation=OrganisationFactory.create(), renews=old)
    assert error.value.code == "renewal_mismatch"
