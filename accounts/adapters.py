"""allauth adapters: sign-up saves the name and language; allauth's own e-mails are written in
the recipient's language; MFA secrets are encrypted at rest; privileged users keep their MFA."""

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.forms import BaseForm
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext as _

from .crypto import decrypt_text, encrypt_text
from .models import User
from .selectors import user_get_by_email, user_is_privileged

SECOND_FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


class AccountAdapter(DefaultAccountAdapter):
    """Sign-up and allauth's e-mails for the registry."""

    def save_user(
        self, request: HttpRequest, user: Any, form: BaseForm, commit: bool = True
    ) -> Any:
        user = super().save_user(request, user, form, commit=False)
        data = form.cleaned_data
        if data.get("name"):
            user.name = data["name"].strip()
        if data.get("language") in dict(settings.LANGUAGES):
            user.language = data["language"]
        if commit:
            user.save()
        return user

    def format_email_subject(self, subject: str) -> str:
        site_name = _("SCS Registry")
        return f"[{site_name}] {subject}"

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        # Write to a known user in their language; to an unknown address (e.g. "no account
        # with this address" replies) in the language of the page that triggered the e-mail.
        user = context.get("user")
        if not isinstance(user, User):
            user = user_get_by_email(email)
        language = user.language if user is not None else translation.get_language()
        with translation.override(language or settings.LANGUAGE_CODE):
            super().send_mail(template_prefix, email, context)


class MFAAdapter(DefaultMFAAdapter):
    """Encrypts TOTP and recovery-code seeds (accounts.crypto) and keeps privileged users from
    removing their last second factor."""

    def encrypt(self, text: str) -> str:
        return encrypt_text(text)

    def decrypt(self, encrypted_text: str) -> str:
        return decrypt_text(encrypted_text)

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        if authenticator.type not in SECOND_FACTORS:
            return True
        others = (
            Authenticator.objects.filter(user_id=authenticator.user_id, type__in=SECOND_FACTORS)
            .exclude(pk=authenticator.pk)
            .exists()
        )
        return others or not user_is_privileged(authenticator.user)

    def get_public_key_credential_rp_entity(self) -> dict[str, str]:
        entity = super().get_public_key_credential_rp_entity()
        entity["name"] = settings.MFA_TOTP_ISSUER
        return entity
