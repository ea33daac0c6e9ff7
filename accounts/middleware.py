"""Request-wide security rules of the accounts app.

SessionSecurityMiddleware: sessions end after an idle period and after an absolute lifetime
(short ones for privileged users), and a session its owner ended elsewhere is refused.
UserLanguageMiddleware: a signed-in user sees the portal in their preferred language.
MFAEnforcementMiddleware: privileged users must enrol a second factor and pass it in the session.
"""

import re
import time
from collections.abc import Callable
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from .models import UserSession
from .selectors import hash_session_key, user_is_privileged
from .services import (
    AUTHENTICATED_AT_KEY,
    LAST_SEEN_KEY,
    SESSION_ID_KEY,
    SESSION_KEY_HASH_KEY,
    user_session_end,
    user_session_touch,
    user_set_language,
)

# Writing "last seen" on every request would cost a database write per request; once a minute
# keeps the idle timeout accurate to a minute.
TOUCH_INTERVAL_SECONDS = 60
FORCED_LOGOUT_ATTR = "_accounts_forced_logout"

Middleware = Callable[[HttpRequest], HttpResponse]


class SessionSecurityMiddleware:
    """Ends sessions that are idle too long, too old, or ended by their owner elsewhere."""

    def __init__(self, get_response: Middleware) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            self._enforce(request)
        response = self.get_response(request)
        if request.user.is_authenticated:
            self._follow_key_change(request)
        return response

    def _enforce(self, request: HttpRequest) -> None:
        session = request.session
        session_id = session.get(SESSION_ID_KEY)
        record = (
            UserSession.objects.filter(pk=session_id, user_id=int(request.user.pk or 0)).first()
            if session_id is not None
            else None
        )
        if record is None or record.ended_at is not None:
            self._sign_out(request, _("This session was ended. Please sign in again."))
            return
        now = time.time()
        authenticated_at = float(session.get(AUTHENTICATED_AT_KEY, now))
        last_seen = float(session.get(LAST_SEEN_KEY, now))
        if user_is_privileged(request.user):
            idle = settings.ACCOUNTS_PRIVILEGED_SESSION_IDLE_TIMEOUT
            absolute = settings.ACCOUNTS_PRIVILEGED_SESSION_ABSOLUTE_TIMEOUT
        else:
            idle = settings.ACCOUNTS_SESSION_IDLE_TIMEOUT
            absolute = settings.ACCOUNTS_SESSION_ABSOLUTE_TIMEOUT
        if now - authenticated_at > absolute:
            reason = UserSession.EndReason.ABSOLUTE_TIMEOUT
        elif now - last_seen > idle:
            reason = UserSession.EndReason.IDLE_TIMEOUT
        else:
            if now - last_seen >= TOUCH_INTERVAL_SECONDS:
                session[LAST_SEEN_KEY] = now
                user_session_touch(session_id=record.pk, session_key=None)
            return
        user_session_end(by=None, session=record, reason=reason)
        self._sign_out(request, _("Your session has expired. Please sign in again."))

    @staticmethod
    def _sign_out(request: HttpRequest, message: str) -> None:
        setattr(request, FORCED_LOGOUT_ATTR, True)
        logout(request)
        messages.info(request, message)

    @staticmethod
    def _follow_key_change(request: HttpRequest) -> None:
        # Django gives the session a new key when the password changes (and on login); keep the
        # stored hash in step so the session list shows the right "this session" entry.
        session = request.session
        session_id = session.get(SESSION_ID_KEY)
        key = session.session_key
        if session_id is None or not key:
            return
        key_hash = hash_session_key(key)
        if session.get(SESSION_KEY_HASH_KEY) != key_hash:
            session[SESSION_KEY_HASH_KEY] = key_hash
            user_session_touch(session_id=int(session_id), session_key=key)


class UserLanguageMiddleware:
    """Activates the signed-in user's preferred language; switching with the language form
    (POST to set_language) updates the preference instead. Runs after LocaleMiddleware."""

    def __init__(self, get_response: Middleware) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            if request.method == "POST" and request.path == reverse("set_language"):
                language = request.POST.get("language", "")
                if language in dict(settings.LANGUAGES):
                    user_set_language(user=user, language=language)
            elif user.language in dict(settings.LANGUAGES):
                translation.activate(user.language)
                request.LANGUAGE_CODE = user.language
        return self.get_response(request)


# URL names a privileged user may reach before enrolling a second factor: the enrolment pages
# themselves, the password reauthentication they ask for, e-mail verification and logout.
ENROLMENT_URL_NAMES = frozenset(
    {
        "mfa_index",
        "mfa_activate_totp",
        "mfa_add_webauthn",
        "mfa_view_recovery_codes",
        "mfa_download_recovery_codes",
        "mfa_generate_recovery_codes",
        "account_reauthenticate",
        "account_email",
        "account_email_verification_sent",
        "account_confirm_email",
        "account_logout",
        "set_language",
    }
)
# URL names a privileged user with a factor may reach before passing it in this session.
CHALLENGE_URL_NAMES = frozenset(
    {
        "mfa_reauthenticate",
        "mfa_reauthenticate_webauthn",
        "mfa_authenticate",
        "account_logout",
        "set_language",
    }
)
SECOND_FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


@lru_cache(maxsize=1)
def _public_path_patterns(patterns: tuple[str, ...]) -> list[re.Pattern[str]]:
    return [re.compile(pattern) for pattern in patterns]


def is_public_path(path: str) -> bool:
    """True for pages open to everybody (settings.ACCOUNTS_PUBLIC_PATHS, regular expressions)."""
    return any(
        pattern.match(path)
        for pattern in _public_path_patterns(tuple(settings.ACCOUNTS_PUBLIC_PATHS))
    )


def session_passed_mfa(request: HttpRequest) -> bool:
    """Whether this session authenticated with a second factor (allauth records each method)."""
    records = get_authentication_records(request, request.user)
    return any(record.get("method") == "mfa" for record in records)


def has_second_factor(user: Any) -> bool:
    return bool(Authenticator.objects.filter(user_id=user.pk, type__in=SECOND_FACTORS).exists())


class MFAEnforcementMiddleware:
    """For privileged users (accounts.selectors.user_is_privileged): until a TOTP app or a
    security key is enrolled, every non-public page redirects to enrolment; afterwards, a
    session that did not pass the second factor is sent to authenticate with it. Public pages
    (paths in ACCOUNTS_PUBLIC_PATHS) stay reachable; API paths answer 403 instead of
    redirecting."""

    def __init__(self, get_response: Middleware) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        user = request.user
        if not user.is_authenticated:
            return None
        # Public pages are listed by path: a view attribute cannot tell, because DRF marks every
        # API view login_required=False (it authenticates by itself).
        if is_public_path(request.path):
            return None
        if not user_is_privileged(user):
            return None
        url_name = request.resolver_match.url_name if request.resolver_match else None
        if not has_second_factor(user):
            if url_name in ENROLMENT_URL_NAMES:
                return None
            return self._refuse(
                request,
                "mfa_index",
                _(
                    "Your role requires two-factor authentication. Set up an authenticator app "
                    "or a security key to continue."
                ),
            )
        if session_passed_mfa(request) or url_name in CHALLENGE_URL_NAMES:
            return None
        return self._refuse(
            request,
            "mfa_reauthenticate",
            _("Your role requires two-factor authentication. Confirm it to continue."),
        )

    @staticmethod
    def _refuse(request: HttpRequest, url_name: str, message: str) -> HttpResponse:
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"detail": message, "code": "mfa_required", "fields": {}}, status=403
            )
        # The enrolment page explains the requirement itself; elsewhere a message does.
        if request.method == "GET" and url_name != "mfa_index":
            messages.warning(request, message)
        target = reverse(url_name)
        if url_name == "mfa_reauthenticate":
            target += "?" + urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(target)
