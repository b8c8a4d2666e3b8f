"""The stand-in's default postings: a fictional Nova Scotia dealership group.

Descriptions are deliberately messy, the way text pasted from Microsoft Word
reaches DriveHR: inline styles, ``mso-*`` properties, ``lang`` attributes,
``<o:p>`` tags, empty spans, ``align`` and stray ``start`` attributes, and in
one posting a ``javascript:`` link that must never reach the site.
"""

from __future__ import annotations

import copy
from typing import Any

__all__ = [
    "ORGANIZATION",
    "SAMPLE_COMPANY_ID",
    "SAMPLE_POSTINGS",
    "sample_postings",
]

SAMPLE_COMPANY_ID = "123e4567-e89b-12d3-a456-426614174000"
ORGANIZATION = "Acme Motors"

_WORD_P = (
    '<p class="MsoNormal" style="margin-bottom:0in;line-height:normal;'
    'mso-margin-top-alt:auto;mso-margin-bottom-alt:auto">'
)
_WORD_SPAN = (
    '<span lang="EN-CA" style="font-size:11.0pt;font-family:&quot;Calibri&quot;,'
    "sans-serif;mso-fareast-font-family:&quot;Times New Roman&quot;;"
    'mso-ansi-language:EN-CA">'
)


def _para(text: str) -> str:
    return f"{_WORD_P}{_WORD_SPAN}{text}</span><o:p></o:p></p>"


def _bullets(items: list[str], start: int | None = None) -> str:
    start_attr = f' start="{start}"' if start is not None else ""
    lines = "".join(
        f'<li class="MsoNormal" style="mso-list:l0 level1 lfo1">'
        f"{_WORD_SPAN}{item}</span><span></span></li>"
        for item in items
    )
    return f'<ul type="disc"{start_attr}>{lines}</ul>'


SAMPLE_POSTINGS: list[dict[str, Any]] = [
    {
        "id": "3f9c2a1e-8b4d-4c6e-9a2f-1d7e5b8c0a11",
        "title": "Service Advisor",
        "organization": ORGANIZATION,
        "position": "Service Advisor",
        "location": "Truro, NS",
        "openedOn": "10/28/2026",
        "workType": "Full-Time",
        "payRate": "$22.00",
        "payType": "Hourly",
        "description": (
            '<div class="WordSection1">'
            + _para(
                "<b>Acme Motors Truro</b> is looking for a friendly "
                "Service Advisor to join our busy service department."
            )
            + '<p class="MsoNormal" align="center" style="text-align:center">'
            '<span style="mso-spacerun:yes">&nbsp;</span><o:p></o:p></p>'
            + _para("<u>What you&#8217;ll do:</u>")
            + _bullets(
                [
                    "Greet customers and write up repair orders",
                    "Explain recommended work in plain language",
                    "Keep customers updated on their vehicle&#8217;s status",
                ]
            )
            + _para("Monday to Friday, 7:30&nbsp;a.m. &#8211; 5:00&nbsp;p.m.")
            + "</div>"
        ),
    },
    {
        "id": "a41d7c3b-2e5f-4b8a-8c9d-6f0e1a2b3c22",
        "title": "Automotive Technician (Licensed)",
        "organization": ORGANIZATION,
        "position": "Technician",
        "location": "Truro, NS",
        "openedOn": "10/15/2026",
        "workType": "Full-Time",
        "payRate": "$32.50 - $38.00",
        "payType": "Hourly",
        "description": (
            _para(
                "We need a <b>Red Seal</b> automotive technician for our "
                "eight-bay shop."
            )
            + '<ol start="1" style="margin-top:0in" type="1">'
            '<li style="mso-list:l1 level1 lfo2">'
            '<span lang="EN-US">Diagnose and repair domestic and import '
            "vehicles</span></li>"
            '<li style="mso-list:l1 level1 lfo2">'
            '<span lang="EN-US">Perform Nova Scotia MVIs</span><o:p></o:p></li>'
            "</ol>" + _para("Tool allowance and paid training.")
        ),
    },
    {
        "id": "5b2e8f4a-7c1d-4e9b-a3f6-0c8d2e4f6a33",
        "title": "Parts Counter Person",
        "organization": ORGANIZATION,
        "position": "Parts Counter",
        "location": "New Glasgow, NS",
        "openedOn": "11/02/2026",
        "workType": "Full-Time",
        "payRate": "$19.50",
        "payType": "Hourly",
        "description": (
            _para("Join the parts team at Acme Motors New Glasgow.")
            + _bullets(
                [
                    "Look up and order parts for technicians and walk-in customers",
                    "Receive shipments and keep the stockroom organized",
                ],
                start=1,
            )
            + '<p><span style="color:#1F3864"></span></p>'
        ),
    },
    {
        "id": "c7e1f9b2-4a6d-4f8c-b5e0-2d9a7c1e8b44",
        "title": "Sales Consultant",
        "organization": ORGANIZATION,
        "position": "Sales Consultant",
        "location": "Halifax, NS",
        "openedOn": "09/30/2026",
        "workType": "Full-Time",
        "payRate": "$45,000 - $90,000",
        "payType": "Salary yearly",
        "description": (
            _para(
                "Help Halifax drivers find the right new or pre-owned vehicle. "
                "Base plus commission; demo vehicle provided."
            )
            + _para(
                'Questions? <a href="javascript:alert(document.cookie)" '
                'style="color:blue">Click here</a> or call the showroom.'
            )
            + _para('<a href="https://example.com/acme/benefits">Our benefits</a>')
        ),
    },
    {
        "id": "e2a8b6c4-9d3f-4a1e-8b7c-5f0d3e9a1c55",
        "title": "Detailer",
        "organization": ORGANIZATION,
        "position": "Detailer",
        "location": "Truro, NS",
        "openedOn": "11/12/2026",
        "workType": "Part-Time",
        "payRate": "$17.00",
        "payType": "Hourly",
        "description": (
            '<p style="margin:0in;font-size:12pt" lang="EN-CA">'
            '<span style="mso-bidi-font-weight:bold">Part-time detailer, '
            "weekends and evenings.</span></p>"
            '<p class="MsoNormal"><o:p>&nbsp;</o:p></p>'
            + _para("Valid driver&#8217;s licence required.")
        ),
    },
    {
        "id": "f4c9d1e7-3b5a-4c2f-9e8d-7a1b0c6d2e66",
        "title": "Finance Manager",
        "organization": ORGANIZATION,
        "position": "Finance Manager",
        "location": "Halifax, NS",
        "openedOn": "10/05/2026",
        "workType": "Full-Time",
        "payRate": "$65,000 - $85,000",
        "payType": "Salary",
        "description": (
            _para(
                "Arrange financing and protection products for our customers "
                "&#8211; experience with lenders across Atlantic Canada an asset."
            )
            + '<table class="MsoTableGrid" border="1" cellspacing="0" '
            'style="border-collapse:collapse;mso-yfti-tbllook:1184">'
            "<tr><td>Schedule</td><td>Tuesday&#8211;Saturday</td></tr></table>"
        ),
    },
    {
        "id": "0a6b3c9d-1e2f-4a7b-8c5d-9e4f2a0b7c77",
        "title": "Lot Attendant",
        "organization": ORGANIZATION,
        "position": "Lot Attendant",
        "location": "New Glasgow, NS",
        "openedOn": "11/20/2026",
        "workType": "Contract",
        "payRate": "$16.50",
        "payType": "Hourly",
        "description": (
            _para("Seasonal contract through March: move and fuel vehicles, ")
            + '<p align="left" style="mso-pagination:widow-orphan">'
            '<span lang="FR-CA">clear snow from the lot</span>'
            "<span></span><o:p></o:p></p>"
        ),
    },
    {
        "id": "9d8e7f6a-5b4c-4d3e-a2f1-0e9d8c7b6a88",
        "title": "Controller",
        "organization": ORGANIZATION,
        "position": "Controller",
        "location": "Dartmouth, NS",
        "openedOn": "09/18/2026",
        "workType": "Full-Time",
        "payRate": "$80,000 - $95,000",
        "payType": "Salary",
        "description": (
            _para(
                "Lead accounting for the group&#8217;s three dealerships: "
                "month-end close, HST filings and manufacturer statements."
            )
            + _bullets(
                ["CPA designation", "Five years in a dealership or similar"],
                start=1,
            )
        ),
    },
]


def sample_postings() -> list[dict[str, Any]]:
    """A fresh copy of the default postings, safe to change."""
    return copy.deepcopy(SAMPLE_POSTINGS)
