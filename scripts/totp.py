"""Print the current TOTP code for a base32 secret (RFC 6238: SHA-1, 6 digits, 30 s).

For logging in as a demo user without an authenticator app: `python3 scripts/totp.py SECRET`.
"""

import base64
import hashlib
import hmac
import struct
import sys
import time


def totp(secret: str, at: float | None = None) -> str:
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


if __name__ == "__main__":
    print(totp(sys.argv[1]))
