"""core.permissions.ObjectActionRequiredMixin and core.api.permissions.PredicatePermission."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.test import RequestFactory
from django.views import View
from rest_framework.generics import RetrieveAPIView
from rest_framework.serializers import ModelSerializer
from rest_framework.test import APIRequestFactory, force_authenticate

from accounts import selectors
from accounts.models import Organisation
from accounts.permissions import can_manage_members, can_view_organisation
from core.api.permissions import PredicatePermission
from core.permissions import ObjectActionRequiredMixin
from tests.factories.accounts import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


class ManageView(ObjectActionRequiredMixin, View):
    predicate = staticmethod(can_manage_members)

    def get_queryset(self):
        return selectors.organisation_list_for(self.request.user)

    def get(self, request, pk):
        return HttpResponse(self.object.name)


def _call(user, organisation):
    request = RequestFactory().get("/")
    request.user = user
    return ManageView.as_view()(request, pk=organisation.pk)


def test_mixin_allowed_user_gets_the_view():
    admin = UserFactory.create()
    organisation = OrganisationFactory.create(admins=[admin])
    assert _call(admin, organisation).content.decode() == organisation.name


def test_mixin_visible_but_not_allowed_is_403():
    organisation = OrganisationFactory.create()
    member = MembershipFactory.create(organisation=organisation).user
    with pytest.raises(PermissionDenied):
        _call(member, organisation)


def test_mixin_outside_the_scope_is_404():
    with pytest.raises(Http404):
        _call(UserFactory.create(), OrganisationFactory.create())


def test_mixin_anonymous_is_sent_to_login():
    response = _call(AnonymousUser(), OrganisationFactory.create())
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


class OrganisationSerializer(ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name"]


class OrganisationApi(RetrieveAPIView):
    serializer_class = OrganisationSerializer
    permission_classes = [PredicatePermission.of(can_manage_members)]

    def get_queryset(self):
        return selectors.organisation_list_for(self.request.user)


class OrganisationViewApi(RetrieveAPIView):
    serializer_class = OrganisationSerializer
    permission_classes = [PredicatePermission]
    predicate = staticmethod(can_view_organisation)

    def get_queryset(self):
        return selectors.organisation_list_for(self.request.user)


def _api(view, user, organisation):
    request = APIRequestFactory().get("/")
    if user is not None:
        force_authenticate(request, user=user)
    return view.as_view()(request, pk=organisation.pk)


def test_api_predicate_permission_contract():
    organisation = OrganisationFactory.create()
    admin = MembershipFactory.create(organisation=organisation, is_admin=True).user
    member = MembershipFactory.create(organisation=organisation).user
    assert _api(OrganisationApi, admin, organisation).status_code == 200
    assert _api(OrganisationApi, member, organisation).status_code == 403
    assert _api(OrganisationApi, UserFactory.create(), organisation).status_code == 404
    assert _api(OrganisationApi, None, organisation).status_code == 403
    assert _api(OrganisationViewApi, member, organisation).status_code == 200


def test_api_view_without_a_predicate_grants_nothing():
    class NoPredicateApi(OrganisationViewApi):
        predicate = None  # type: ignore[assignment]

    organisation = OrganisationFactory.create()
    admin = MembershipFactory.create(organisation=organisation, is_admin=True).user
    assert _api(NoPredicateApi, admin, organisation).status_code == 403
