"""The audit trail: append-only in the database, visible to the operator only."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.db import IntegrityError, connection, models, transaction
from django.urls import reverse_lazy
from django.utils import timezone

from core.models import AuditEvent
from core.services import audit_record
from tests.accounts.helpers import client_with_own_ip, login, login_with_mfa
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db

URL = reverse_lazy("accounts:audit_list")


def test_update_is_refused_by_the_database():
    event = audit_record(action="accounts.test.event", data={"n": 1})
    with (
        pytest.raises(IntegrityError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE core_auditevent SET action = %s WHERE id = %s", ["forged", event.pk])
    # Even bypassing the model's guards with a plain queryset.
    with pytest.raises(IntegrityError), transaction.atomic():
        models.QuerySet(AuditEvent).filter(pk=event.pk).update(data={"n": 2})
    event.refresh_from_db()
    assert (event.action, event.data) == ("accounts.test.event", {"n": 1})


def test_delete_is_refused_by_the_database():
    event = audit_record(action="accounts.test.event")
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        models.QuerySet(AuditEvent).filter(pk=event.pk).delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_deleting_a_user_keeps_their_events_without_the_link():
    user = UserFactory.create()
    event = audit_record(action="accounts.test.event", by=user)
    user.delete()
    event.refresh_from_db()
    assert event.actor is None
    assert event.action == "accounts.test.event"


def _operator():
    user = UserFactory.create(is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_auditevent"))
    return user


def test_the_operator_sees_the_trail_with_filters_and_pages():
    operator = _operator()
    someone = UserFactory.create(email="someone@example.jp")
    for n in range(60):
        audit_record(action="accounts.test.bulk", by=someone, data={"n": n})
    audit_record(action="accounts.organisation.created", by=operator)
    client = client_with_own_ip()
    login_with_mfa(client, operator)

    response = client.get(URL)
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.per_page == 50
    assert response.context["page_obj"].has_next()

    response = client.get(URL, {"action": "accounts.test", "page": "2"})
    assert [e.action for e in response.context["events"]] == ["accounts.test.bulk"] * 10

    response = client.get(URL, {"actor": "someone@"})
    assert response.context["page_obj"].paginator.count == 60

    today = timezone.localdate()
    response = client.get(URL, {"since": today.isoformat(), "until": today.isoformat()})
    assert response.context["page_obj"].paginator.count >= 61
    response = client.get(URL, {"until": (today - datetime.timedelta(days=1)).isoformat()})
    assert response.context["page_obj"].paginator.count == 0


def test_an_inverted_date_range_is_an_error_not_a_crash():
    client = client_with_own_ip()
    login_with_mfa(client, _operator())
    response = client.get(URL, {"since": "2027-02-01", "until": "2027-01-01"})
    assert response.status_code == 200
    assert "until" in response.context["form"].errors


def test_everybody_else_gets_404_and_anonymous_visitors_the_login_page():
    assert client_with_own_ip().get(URL).status_code == 302
    ordinary = client_with_own_ip()
    login(ordinary, UserFactory.create())
    assert ordinary.get(URL).status_code == 404
    staff_without_permission = client_with_own_ip()
    login_with_mfa(staff_without_permission, UserFactory.create(is_staff=True))
    assert staff_without_permission.get(URL).status_code == 404
    permission_without_staff = UserFactory.create()
    permission_without_staff.user_permissions.add(
        Permission.objects.get(codename="view_auditevent")
    )
    client = client_with_own_ip()
    login(client, permission_without_staff)
    assert client.get(URL).status_code == 404
