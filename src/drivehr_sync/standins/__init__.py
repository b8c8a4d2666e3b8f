"""Local stand-ins for DriveHR and the WordPress plugin, served on loopback."""

from __future__ import annotations

from .drivehr_site import DriveHRSite
from .loopback import RecordedRequest
from .sample_postings import SAMPLE_COMPANY_ID, SAMPLE_POSTINGS, sample_postings
from .wordpress_site import WordPressSite

__all__ = [
    "DriveHRSite",
    "RecordedRequest",
    "SAMPLE_COMPANY_ID",
    "SAMPLE_POSTINGS",
    "WordPressSite",
    "sample_postings",
]
