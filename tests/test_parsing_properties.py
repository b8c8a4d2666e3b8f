"""Properties that hold for any input: parsing never raises, sanitizing is safe."""

from __future__ import annotations

from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st

from drivehr_sync.models import Listing
from drivehr_sync.normalize import sanitize_description, summarize
from drivehr_sync.parsing import find_description, parse_careers_page

PAGE_URL = "https://drivehris.app/careers/123e4567-e89b-12d3-a456-426614174000/list"

# Fragments of the markup DriveHR pages and Word descriptions are made of,
# so that generated documents reach deep into the parsers.
FRAGMENTS = st.sampled_from(
    [
        '<div class="ag-center-cols-container">',
        '<div class="ag-row" row-id="7">',
        '<div col-id="title"><a href="/careers/x/list/7?title=T">T, Org</a>',
        '<span class="text-xs">Org | Position</span>',
        '<div class="el-collapse-item"><a class="list-title-link" href="/list/9">',
        '<script type="application/ld+json">{"@type": "JobPosting"',
        '<script>window.__INITIAL_STATE__ = {"jobs": [',
        '<iframe srcdoc="&lt;p&gt;hi&lt;/p&gt;">',
        '<noscript><iframe src="https://www.googletagmanager.com/ns.html">',
        "No positions available",
        '<p style="mso-margin-top-alt:auto" lang="EN-CA"><o:p></o:p>',
        '<a href="javascript:alert(1)">x</a>',
        "<script>alert(1)</script>",
        "</div>",
        "</a>",
        "&nbsp;",
        "]}",
        "}",
    ]
)
DOCUMENTS = st.lists(st.one_of(FRAGMENTS, st.text(max_size=20)), max_size=30).map(
    "".join
)
LIMITED = settings(max_examples=150, deadline=None, database=None)


@LIMITED
@given(DOCUMENTS)
def test_careers_pages_always_get_an_answer(page: str) -> None:
    """Any page yields a Listing, never an exception."""
    assert isinstance(parse_careers_page(page, PAGE_URL), Listing)


@LIMITED
@given(DOCUMENTS)
def test_detail_pages_never_raise(page: str) -> None:
    """Any detail page yields inline HTML, a URL, or nothing."""
    inline, source = find_description(page, PAGE_URL + "/7")

    assert inline is None or source is None


@LIMITED
@given(DOCUMENTS)
def test_sanitized_descriptions_carry_nothing_executable(html: str) -> None:
    """Sanitized HTML has no scripts, inline styles or javascript: links."""
    cleaned = sanitize_description(html)

    tags = BeautifulSoup(cleaned, "lxml").find_all(True)
    assert not [tag for tag in tags if tag.name in ("script", "style", "iframe")]
    assert not [tag for tag in tags if "style" in tag.attrs or "class" in tag.attrs]
    hrefs = [str(tag.get("href", "")).strip().lower() for tag in tags]
    assert not [href for href in hrefs if href.startswith("javascript")]
    assert sanitize_description(cleaned) == cleaned


@LIMITED
@given(DOCUMENTS, st.integers(min_value=10, max_value=400))
def test_summaries_respect_their_limit(html: str, limit: int) -> None:
    """A summary is single-line text no longer than its limit."""
    summary = summarize(html, limit)

    assert len(summary) <= limit
    assert "\n" not in summary and summary == summary.strip()
