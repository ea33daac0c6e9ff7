from typing import Any

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, Any]:
    """Values every page needs: the site URL (for absolute links) and the debug flag."""
    return {"SITE_URL": settings.SITE_URL}
