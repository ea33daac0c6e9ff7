"""scripts/totp.py must agree with the TOTP implementation the portal validates against."""

import importlib.util
from pathlib import Path

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "totp.py"
SECRET = "ONRXGLLEMVWW6LLSMVTWS43UOJQXI2LP"


def test_script_matches_allauth():
    spec = importlib.util.spec_from_file_location("totp_script", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for at in (0, 59, 1_764_000_000, 1_800_000_030):
        assert module.totp(SECRET, at) == format_hotp_value(hotp_value(SECRET, int(at // 30)))
