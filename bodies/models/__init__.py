"""Models of the scheme's bodies (with their designations and staff) and of the advisors."""

from .advisors import AdvisorArea, AdvisorIndustry, AdvisorProfile, Qualification
from .bodies import BodyStaff, Designation, SchemeBody, SchemeBodyRole, add_years

__all__ = [
    "AdvisorArea",
    "AdvisorIndustry",
    "AdvisorProfile",
    "BodyStaff",
    "Designation",
    "Qualification",
    "SchemeBody",
    "SchemeBodyRole",
    "add_years",
]
