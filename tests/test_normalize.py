"""Raw postings become plugin jobs: field by field, sanitizer, batch counts."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from drivehr_sync.models import RawPosting
from drivehr_sync.normalize import (
    NormalizeOptions,
    canonical_work_type,
    job_id_from_url,
    normalize_listing,
    normalize_posting,
    posted_date_iso,
    sanitize_description,
    summarize,
)
from drivehr_sync.parsing import description_from_document

PAGES = Path(__file__).parent / "pages"
BASE = "https://drivehris.app"
COMPANY = "123e4567-e89b-12d3-a456-426614174000"
NOW = datetime(2026, 3, 10, 15, 30, 0, tzinfo=UTC)
OPTIONS = NormalizeOptions(base_url=BASE, company_id=COMPANY, now=NOW)


def load_page(name: str) -> str:
    return (PAGES / name).read_text(encoding="utf-8")


def make_raw(**overrides: object) -> RawPosting:
    raw = RawPosting(
        job_id="4f1c9b2e",
        title="Service Advisor, Acme Motors",
        detail_url=f"{BASE}/careers/{COMPANY}/list/4f1c9b2e?title=Service%20Advisor",
        organization="Acme Motors",
        position="Service",
        location="Truro, NS",
        posted="03/02/2026",
        work_type="Full-Time",
        pay_rate="$22.00",
        pay_type="Hourly",
    )
    return replace(raw, **overrides)


# Fields ------------------------------------------------------------------


def test_id_is_prefixed_driveHR_job_id() -> None:
    """The id is 'drivehr-' followed by DriveHR's own job id."""
    posting = normalize_posting(make_raw(), OPTIONS)

    assert posting.id == "drivehr-4f1c9b2e"


def test_id_falls_back_to_the_detail_link() -> None:
    """Without a job id the id comes from the '/list/{jobId}' detail link."""
    raw = make_raw(job_id=None, detail_url=f"/careers/{COMPANY}/list/77b9?title=X")

    posting = normalize_posting(raw, OPTIONS)

    assert posting.id == "drivehr-77b9"


def test_title_loses_the_organization_suffix() -> None:
    """A trailing ', <organization>' is removed from the title."""
    posting = normalize_posting(make_raw(), OPTIONS)

    assert posting.title == "Service Advisor"


def test_title_is_cleaned_of_tags_entities_and_spaces() -> None:
    """Tags are stripped, entities decoded and whitespace collapsed."""
    raw = make_raw(
        title="  <b>Lube   Technician</b> &amp; Detailer\n", organization=None
    )

    posting = normalize_posting(raw, OPTIONS)

    assert posting.title == "Lube Technician & Detailer"


@pytest.mark.parametrize(
    "title",
    [
        "Parts Driver, ACME GROUP",
        "Parts Driver - Acme Group",
        "Parts Driver, acme group",
    ],
)
def test_title_loses_a_configured_suffix(title: str) -> None:
    """A configured suffix is removed after a comma or a dash, in any case."""
    options = replace(OPTIONS, title_suffixes=("Acme Group",))

    posting = normalize_posting(make_raw(title=title, organization=None), options)

    assert posting.title == "Parts Driver"


def test_title_is_never_reduced_to_nothing() -> None:
    """A title equal to the organization's name is kept as it is."""
    raw = make_raw(title="Acme Motors", organization="Acme Motors")

    posting = normalize_posting(raw, OPTIONS)

    assert posting.title == "Acme Motors"


def test_title_keeps_the_organization_name_when_not_at_the_end() -> None:
    """Only a trailing organization name is removed."""
    raw = make_raw(title="Acme Motors Ambassador, Truro")

    posting = normalize_posting(raw, OPTIONS)

    assert posting.title == "Acme Motors Ambassador, Truro"


def test_department_and_location() -> None:
    """The department is the organization; the location has single spaces."""
    raw = make_raw(organization=" Acme  Motors ", location="New Glasgow,\n  NS")

    posting = normalize_posting(raw, OPTIONS)

    assert posting.department == "Acme Motors"
    assert posting.location == "New Glasgow, NS"


def test_source_and_apply_urls_come_from_the_detail_link() -> None:
    """The source URL is the detail link without its query; apply adds '/form'."""
    posting = normalize_posting(make_raw(), OPTIONS)

    assert posting.source_url == f"{BASE}/careers/{COMPANY}/list/4f1c9b2e"
    assert posting.apply_url == f"{BASE}/careers/{COMPANY}/list/4f1c9b2e/form"


def test_relative_detail_link_is_made_absolute() -> None:
    """A relative detail link is resolved against the DriveHR base URL."""
    raw = make_raw(detail_url=f"/careers/{COMPANY}/list/4f1c9b2e#apply")

    posting = normalize_posting(raw, OPTIONS)

    assert posting.source_url == f"{BASE}/careers/{COMPANY}/list/4f1c9b2e"


def test_urls_are_built_when_there_is_no_detail_link() -> None:
    """Without a detail link the URLs are built from base, company and job id."""
    posting = normalize_posting(make_raw(detail_url=None), OPTIONS)

    assert posting.source_url == f"{BASE}/careers/{COMPANY}/list/4f1c9b2e"
    assert posting.apply_url == f"{BASE}/careers/{COMPANY}/list/4f1c9b2e/form"


def test_source_url_ends_at_the_job_id() -> None:
    """A detail link to the form or a sub-page is cut back to the posting."""
    raw = make_raw(detail_url=f"{BASE}/careers/{COMPANY}/list/4f1c9b2e/form?x=1")

    posting = normalize_posting(raw, OPTIONS)

    assert posting.source_url == f"{BASE}/careers/{COMPANY}/list/4f1c9b2e"
    assert posting.apply_url == f"{BASE}/careers/{COMPANY}/list/4f1c9b2e/form"


@pytest.mark.parametrize(
    "link",
    [
        "https://acme.example/careers/service-advisor",
        f"{BASE}/careers/{COMPANY}/list",
        f"{BASE}/careers/{COMPANY}/list/someone-else",
        "mailto:jobs@acme.example",
    ],
)
def test_source_url_is_built_when_the_link_is_not_the_postings(link: str) -> None:
    """A link that is not this posting's detail page is replaced by the built one."""
    posting = normalize_posting(make_raw(detail_url=link), OPTIONS)

    assert posting.source_url == f"{BASE}/careers/{COMPANY}/list/4f1c9b2e"


def test_type_is_canonical() -> None:
    """The work type is written in one canonical spelling."""
    posting = normalize_posting(make_raw(work_type="FULL_TIME"), OPTIONS)

    assert posting.type == "Full-time"


def test_posted_date_is_iso_utc() -> None:
    """An 'MM/DD/YYYY' date becomes midnight UTC in ISO 8601."""
    posting = normalize_posting(make_raw(), OPTIONS)

    assert posting.posted_date == "2026-03-02T00:00:00Z"


def test_pay_fields_and_salary_range() -> None:
    """Pay rate and type are kept; the salary range joins them."""
    raw = make_raw(pay_rate="$55,000 -  $65,000", pay_type="Salary yearly")

    posting = normalize_posting(raw, OPTIONS)

    assert posting.pay_rate == "$55,000 - $65,000"
    assert posting.pay_type == "Salary yearly"
    assert posting.salary_range == "$55,000 - $65,000 Salary yearly"


def test_salary_range_prefers_the_given_range() -> None:
    """A salary range from DriveHR wins over one built from the pay fields."""
    raw = make_raw(salary_range="$17 - $19 per hour")

    posting = normalize_posting(raw, OPTIONS)

    assert posting.salary_range == "$17 - $19 per hour"


def test_salary_range_is_the_pay_rate_alone_without_a_pay_type() -> None:
    """With a pay rate but no pay type the salary range is the rate."""
    posting = normalize_posting(make_raw(pay_type=None), OPTIONS)

    assert posting.salary_range == "$22.00"


def test_missing_optional_fields_stay_off_the_wire() -> None:
    """Fields DriveHR did not give are absent from the plugin's JSON."""
    raw = RawPosting(job_id="j-1", title="Detailer")

    wire = normalize_posting(raw, OPTIONS).to_wire()

    assert wire == {
        "id": "drivehr-j-1",
        "title": "Detailer",
        "applyUrl": f"{BASE}/careers/{COMPANY}/list/j-1/form",
        "sourceUrl": f"{BASE}/careers/{COMPANY}/list/j-1",
    }


def test_wire_uses_the_plugins_field_names() -> None:
    """The plugin receives camelCase names for every field."""
    raw = make_raw(description_html="<p>Greet customers.</p>")

    wire = normalize_posting(raw, OPTIONS).to_wire()

    assert wire["postedDate"] == "2026-03-02T00:00:00Z"
    assert wire["department"] == "Acme Motors"
    assert wire["type"] == "Full-time"
    assert wire["payRate"] == "$22.00"
    assert wire["salaryRange"] == "$22.00 Hourly"
    assert wire["description"] == "<p>Greet customers.</p>"
    assert wire["summary"] == "Greet customers."


def test_description_is_sanitized() -> None:
    """The description is the sanitized HTML of the raw description."""
    raw = make_raw(description_html='<p style="x">Hi<script>x()</script></p>')

    posting = normalize_posting(raw, OPTIONS)

    assert posting.description == "<p>Hi</p>"


def test_description_with_nothing_left_is_absent() -> None:
    """A description that sanitizes to nothing is left out."""
    raw = make_raw(description_html="<p>&nbsp;</p><o:p></o:p>")

    posting = normalize_posting(raw, OPTIONS)

    assert posting.description is None
    assert posting.summary is None


def test_summary_prefers_the_raw_summary_as_plain_text() -> None:
    """A summary given by DriveHR is used, as plain text."""
    raw = make_raw(
        summary="Keep <b>vehicles</b> spotless.", description_html="<p>Other</p>"
    )

    posting = normalize_posting(raw, OPTIONS)

    assert posting.summary == "Keep vehicles spotless."


def test_summary_is_drawn_from_a_long_description() -> None:
    """Without a summary, the description's text is cut at a word boundary."""
    sentence = "Greet every customer warmly and write clear repair orders. "
    raw = make_raw(description_html=f"<p>{sentence * 10}</p>")

    posting = normalize_posting(raw, OPTIONS)

    assert posting.summary is not None
    assert len(posting.summary) <= 300
    assert posting.summary.endswith("\u2026")
    assert (sentence * 10).startswith(posting.summary[:-1])
    assert posting.summary[-2] != " "


def test_posting_without_id_is_rejected_by_name() -> None:
    """A posting with no id anywhere is rejected with a message naming it."""
    raw = make_raw(job_id=None, detail_url=None)

    message = "'Service Advisor, Acme Motors' has no DriveHR job id"
    with pytest.raises(ValueError, match=message):
        normalize_posting(raw, OPTIONS)


def test_posting_without_title_is_rejected_by_id() -> None:
    """A posting with no title is rejected with a message naming its id."""
    raw = make_raw(title=" <span></span> ")

    with pytest.raises(ValueError, match="'4f1c9b2e' has no title"):
        normalize_posting(raw, OPTIONS)


# Dates -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("03/02/2026", "2026-03-02T00:00:00Z"),
        ("3/2/2026", "2026-03-02T00:00:00Z"),
        ("2026-03-02", "2026-03-02T00:00:00Z"),
        ("2026-03-02T09:30:00Z", "2026-03-02T09:30:00Z"),
        ("2026-03-02T09:30:00-04:00", "2026-03-02T13:30:00Z"),
        ("2026-03-02T09:30:00.250+01:00", "2026-03-02T08:30:00Z"),
        ("2026-03-02 09:30:00", "2026-03-02T09:30:00Z"),
        ("March 2, 2026", "2026-03-02T00:00:00Z"),
    ],
)
def test_posted_date_formats(text: str, expected: str) -> None:
    """DriveHR's and ISO date forms become UTC ISO 8601 with a 'Z'."""
    assert posted_date_iso(text, NOW) == expected


@pytest.mark.parametrize("text", ["04/01/2026", "2026-03-10T15:31:00Z", "2030-01-01"])
def test_posted_date_is_never_in_the_future(text: str) -> None:
    """A date after now is clamped to now, so WordPress publishes at once."""
    assert posted_date_iso(text, NOW) == "2026-03-10T15:30:00Z"


@pytest.mark.parametrize("text", ["", "soon", "13/45/2026", "yesterday"])
def test_unparseable_posted_date_is_none(text: str) -> None:
    """A date that cannot be read is None, not a guess."""
    assert posted_date_iso(text, NOW) is None


# Work types ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Full-Time", "Full-time"),
        ("FULL_TIME", "Full-time"),
        ("full time", "Full-time"),
        ("Part-Time", "Part-time"),
        ("part_time", "Part-time"),
        ("CONTRACT", "Contract"),
        ("Temporary", "Temporary"),
        ("INTERN", "Internship"),
        ("seasonal", "Seasonal"),
        ("PER_DIEM", "Per diem"),
        ("FULL_TIME, TEMPORARY", "Full-time, Temporary"),
        ("ON_CALL", "On Call"),
        ("casual", "Casual"),
        ("Remote-first", "Remote-first"),
        ("", ""),
    ],
)
def test_canonical_work_type(text: str, expected: str) -> None:
    """Work types are spelled one way; unknown ones are title-cased."""
    assert canonical_work_type(text) == expected


# Job ids in links --------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (f"{BASE}/careers/{COMPANY}/list/4f1c9b2e?title=Service", "4f1c9b2e"),
        (f"/careers/{COMPANY}/list/1187", "1187"),
        (f"/careers/{COMPANY}/list/1187/form", "1187"),
        (f"{BASE}/careers/{COMPANY}/list", None),
        (f"{BASE}/careers/company/list?id={COMPANY}", None),
        ("", None),
    ],
)
def test_job_id_from_url(url: str, expected: str | None) -> None:
    """The job id is the path segment after '/list/'."""
    assert job_id_from_url(url) == expected


# Sanitizer -----------------------------------------------------------------------


def test_word_document_becomes_clean_html() -> None:
    """Word debris goes; paragraphs, lists, emphasis and safe links stay."""
    body = description_from_document(load_page("description_document.html"))

    cleaned = sanitize_description(body)

    assert cleaned == (
        "<p><b>Dental Hygienist</b></p>\n"
        "<p>Harbour Dental is a busy family practice in downtown Halifax. "
        "We are growing.</p>\n"
        "<p>\u00b7 Registered with the PDBHNS</p>\n"
        "<ol>\n"
        "<li>Clean teeth</li>\n"
        "<li>Chart findings</li>\n"
        "</ol>\n"
        '<p>Questions? <a href="mailto:jobs@harbour.example" '
        'rel="noopener noreferrer">Email us</a> or read '
        '<a href="https://harbour.example/about" rel="noopener noreferrer">'
        "about us</a>.</p>"
    )


@pytest.mark.parametrize(
    "debris",
    [
        "style=",
        "class=",
        "lang=",
        "mso-",
        "o:p",
        "align=",
        "start=",
        "<span",
        "<div",
        "javascript:",
        "tracking",
        "onclick",
        "target=",
        "<!--",
    ],
)
def test_word_debris_is_gone(debris: str) -> None:
    """No Word attribute, namespaced tag, script text or unsafe link survives."""
    body = description_from_document(load_page("description_document.html"))

    cleaned = sanitize_description(body)

    assert debris not in cleaned


def test_conditional_comments_are_removed_with_their_content() -> None:
    """Word's conditional comments vanish entirely."""
    html = "<!--[if gte mso 9]><xml><o:Author>HR</o:Author></xml><![endif]--><p>Hi</p>"

    assert sanitize_description(html) == "<p>Hi</p>"


def test_script_and_style_are_removed_with_their_content() -> None:
    """Script and style elements leave no text behind."""
    html = "<style>p{color:red}</style><p>Apply<script>steal()</script> today</p>"

    assert sanitize_description(html) == "<p>Apply today</p>"


def test_empty_paragraphs_are_dropped() -> None:
    """Paragraphs holding only spaces, breaks or nothing are removed."""
    html = "<p>One</p><p>&nbsp;</p><p></p><p><br></p><p><span> </span></p><p>Two</p>"

    assert sanitize_description(html) == "<p>One</p>\n<p>Two</p>"


def test_divs_become_paragraphs() -> None:
    """Text in divs keeps its separation as paragraphs."""
    html = "<div><div>First line</div><div>Second line</div></div>"

    assert sanitize_description(html) == "<p>First line</p>\n<p>Second line</p>"


def test_headings_are_kept_and_h1_is_demoted() -> None:
    """Headings survive; an h1 becomes an h2 under the post's own title."""
    html = "<h1>About us</h1><h3 style='x'>Duties</h3>"

    assert sanitize_description(html) == "<h2>About us</h2>\n<h3>Duties</h3>"


def test_links_keep_only_href_and_title() -> None:
    """Links keep href and title; other attributes and unsafe schemes go."""
    html = (
        '<p><a href="https://a.example" title="A" class="x" onclick="y()">A</a> '
        '<a href="javascript:alert(1)">B</a> <a href="data:text/html,x">C</a></p>'
    )

    assert sanitize_description(html) == (
        '<p><a href="https://a.example" title="A" rel="noopener noreferrer">A</a>'
        " B C</p>"
    )


def test_unknown_tags_keep_their_text() -> None:
    """Fonts, spans and images are unwrapped or dropped, keeping the text."""
    html = "<p><font color=red>Red</font> <span>and</span> <img src=x.png>blue</p>"

    assert sanitize_description(html) == "<p>Red and blue</p>"


def test_tables_become_one_paragraph_per_row() -> None:
    """A Word table's rows become paragraphs with their cells spaced apart."""
    html = (
        "<table border=1><tbody><tr><td><b>Pay</b></td><td>$22.00</td></tr>"
        "<tr><td><p>Hours</p></td><td><p>40</p></td></tr></tbody></table>"
    )

    assert sanitize_description(html) == (
        "<p><b>Pay</b> $22.00</p>\n<p>Hours</p>\n<p>40</p>"
    )


def test_sanitizing_is_deterministic_and_stable() -> None:
    """The same input gives the same bytes, and cleaning twice changes nothing."""
    body = description_from_document(load_page("description_document.html"))

    first = sanitize_description(body)
    second = sanitize_description(body)

    assert first == second
    assert sanitize_description(first) == first


def test_sanitizing_nothing_gives_nothing() -> None:
    """Empty or blank input gives an empty string."""
    assert sanitize_description("") == ""
    assert sanitize_description("   \n") == ""


# Summaries --------------------------------------------------------------------------


def test_summary_of_short_html_is_its_text() -> None:
    """Short HTML becomes its plain text, blocks separated by spaces."""
    html = "<p>Greet customers.</p><ul><li>Write orders</li><li>Call back</li></ul>"

    assert summarize(html) == "Greet customers. Write orders Call back"


def test_summary_is_cut_at_a_word_boundary() -> None:
    """A long text is cut before a word, ending with an ellipsis."""
    html = "<p>alpha beta gamma delta epsilon</p>"

    assert summarize(html, limit=18) == "alpha beta gamma\u2026"


def test_summary_keeps_inline_words_together() -> None:
    """Inline tags inside a word do not split it."""
    assert summarize("<p><b>Great</b>ly valued</p>") == "Greatly valued"


# Listings ---------------------------------------------------------------------------


def test_listing_keeps_the_first_of_each_id() -> None:
    """Postings with an id already seen are dropped and counted."""
    raws = [
        make_raw(),
        make_raw(title="Service Advisor (copy)"),
        make_raw(job_id="9a0d", title="Lube Technician"),
    ]

    batch = normalize_listing(raws, OPTIONS)

    ids = [posting.id for posting in batch.postings]
    assert ids == ["drivehr-4f1c9b2e", "drivehr-9a0d"]
    assert batch.postings[0].title == "Service Advisor"
    assert batch.duplicates == 1
    assert batch.invalid == []
    assert batch.missing_fields == 0


def test_listing_reports_postings_that_cannot_be_sent() -> None:
    """Postings without id or title become plain sentences and counts."""
    raws = [
        make_raw(),
        make_raw(job_id=None, detail_url=None, title="Ghost Job"),
        make_raw(job_id="x-2", title=None),
        RawPosting(),
    ]

    batch = normalize_listing(raws, OPTIONS)

    assert [posting.id for posting in batch.postings] == ["drivehr-4f1c9b2e"]
    assert batch.invalid == [
        "posting 'Ghost Job' has no DriveHR job id",
        "posting 'x-2' has no title",
        "posting without a title has no DriveHR job id",
    ]
    assert batch.missing_fields == 3
    assert batch.duplicates == 0


def test_listing_of_nothing_is_an_empty_batch() -> None:
    """No raw postings give no postings and no problems."""
    batch = normalize_listing([], OPTIONS)

    assert batch.postings == []
    assert (batch.duplicates, batch.invalid, batch.missing_fields) == (0, [], 0)


def test_default_clock_keeps_dates_in_the_past() -> None:
    """Without a fixed clock, a far-future date is clamped to the present."""
    options = NormalizeOptions(base_url=BASE, company_id=COMPANY)
    before = datetime.now(UTC).replace(microsecond=0)

    posting = normalize_posting(make_raw(posted="2999-01-01"), options)

    assert posting.posted_date is not None
    stamp = datetime.strptime(posting.posted_date, "%Y-%m-%dT%H:%M:%SZ")
    assert stamp.replace(tzinfo=UTC) >= before
    assert stamp.year < 2999
