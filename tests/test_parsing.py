"""DriveHR pages and the JSON listing are read into listings with an outcome."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from drivehr_sync.models import ListingStatus, RawPosting
from drivehr_sync.parsing import (
    description_from_document,
    find_description,
    parse_careers_page,
    parse_json_listing,
)

PAGES = Path(__file__).parent / "pages"
BASE = "https://drivehris.app"
COMPANY = "123e4567-e89b-12d3-a456-426614174000"
PAGE_URL = f"{BASE}/careers/{COMPANY}/list"


def load_page(name: str) -> str:
    return (PAGES / name).read_text(encoding="utf-8")


def load_json(name: str) -> object:
    return json.loads(load_page(name))


def by_id(postings: list[RawPosting]) -> dict[str | None, RawPosting]:
    return {posting.job_id: posting for posting in postings}


# AG Grid -------------------------------------------------------------------------


def test_ag_grid_rows_become_postings_once_each() -> None:
    """Each row id gives one posting, though pinned containers repeat rows."""
    listing = parse_careers_page(load_page("ag_grid_srcdoc.html"), PAGE_URL)

    assert listing.status is ListingStatus.FOUND
    assert listing.strategy == "html"
    assert [posting.job_id for posting in listing.postings] == [
        "4f1c9b2e-7d3a-4c55-9a61-0e8d2f7b1a01",
        "9a0d7e55-1b2c-4e3f-8a90-7c6b5d4e3f21",
        "c3b2a190-8f7e-4d6c-b5a4-93827160f5e4",
    ]


def test_ag_grid_cells_fill_the_posting() -> None:
    """Title, organization, position and every column cell are read."""
    listing = parse_careers_page(load_page("ag_grid_srcdoc.html"), PAGE_URL)

    posting = listing.postings[2]
    assert posting.title == "Sales Manager"
    assert posting.organization == "Acme Motors"
    assert posting.position == "Sales"
    assert posting.location == "Truro, NS"
    assert posting.posted == "01/15/2026"
    assert posting.work_type == "Full-Time"
    assert posting.pay_rate == "$55,000 - $65,000"
    assert posting.pay_type == "Salary yearly"


def test_ag_grid_relative_link_with_title_query_is_made_absolute() -> None:
    """A relative detail href with '?title=' is resolved against the page."""
    listing = parse_careers_page(load_page("ag_grid_srcdoc.html"), PAGE_URL)

    assert listing.postings[0].detail_url == (
        f"{BASE}/careers/{COMPANY}/list/4f1c9b2e-7d3a-4c55-9a61-0e8d2f7b1a01"
        "?title=Service%20Advisor"
    )


def test_ag_grid_title_decodes_entities_and_collapses_spaces() -> None:
    """Entities in the link text are decoded and cell text is collapsed."""
    listing = parse_careers_page(load_page("ag_grid_srcdoc.html"), PAGE_URL)

    posting = listing.postings[1]
    assert posting.title == "Lube Technician & Detailer, Acme Motors"
    assert posting.location == "New Glasgow, NS"


def test_ag_grid_srcdoc_detail_row_gives_the_description() -> None:
    """An expanded row's srcdoc iframe gives the body of its document."""
    listing = parse_careers_page(load_page("ag_grid_srcdoc.html"), PAGE_URL)

    first, second = listing.postings[0], listing.postings[1]
    assert first.description_html is not None
    assert first.description_html.startswith('<div class="WordSection1">')
    assert "Explain repairs clearly" in first.description_html
    assert "<style>" not in first.description_html
    assert first.description_url is None
    assert second.description_html is None


def test_ag_grid_absolute_links_and_title_text_inside_the_link() -> None:
    """Absolute hrefs are kept and the 'text-xs' line is not part of the title."""
    listing = parse_careers_page(load_page("ag_grid_src.html"), PAGE_URL)

    postings = by_id(listing.postings)
    hygienist = postings["1187"]
    assert hygienist.title == "Dental Hygienist"
    assert hygienist.organization == "Harbour Dental"
    assert hygienist.position == "Clinical"
    assert hygienist.detail_url == (
        f"{BASE}/careers/{COMPANY}/list/1187?title=Dental%20Hygienist"
    )
    assert postings["1190"].detail_url == f"{BASE}/careers/{COMPANY}/list/1190"


def test_ag_grid_src_detail_row_gives_an_absolute_description_url() -> None:
    """A detail row whose iframe has a src gives its absolute URL."""
    listing = parse_careers_page(load_page("ag_grid_src.html"), PAGE_URL)

    hygienist = by_id(listing.postings)["1187"]
    assert hygienist.description_html is None
    assert hygienist.description_url == (
        f"{BASE}/careers/{COMPANY}/list/1187/description"
    )


def test_ag_grid_empty_cells_are_none() -> None:
    """Cells without text give no value rather than an empty string."""
    listing = parse_careers_page(load_page("ag_grid_src.html"), PAGE_URL)

    receptionist = by_id(listing.postings)["1190"]
    assert receptionist.pay_rate is None
    assert receptionist.pay_type is None


def test_ag_grid_numbered_row_ids_yield_to_the_link_id() -> None:
    """When row ids are AG Grid's row numbers, the link's job id is used."""
    html = """
    <div class="ag-center-cols-container">
      <div class="ag-row" row-id="0"><div col-id="title">
        <a href="/careers/c/list/ab12cd">Porter</a></div></div>
    </div>"""

    listing = parse_careers_page(html, PAGE_URL)

    assert [posting.job_id for posting in listing.postings] == ["ab12cd"]


def test_ag_grid_of_untitled_placeholder_rows_is_not_a_listing() -> None:
    """Rows with no title at all are loading placeholders, not postings."""
    html = """
    <div class="ag-root"><div class="ag-center-cols-container">
      <div class="ag-row ag-row-loading" row-id="0"><div col-id="title">
        <span class="ag-loading"></span></div></div>
    </div></div>"""

    listing = parse_careers_page(html, PAGE_URL)

    assert listing.status is ListingStatus.INCONCLUSIVE
    assert "AG Grid" in listing.reason


def test_ag_grid_of_a_hundred_rows() -> None:
    """A large grid gives one posting per row, in page order."""
    rows = "".join(
        f'<div class="ag-row" row-id="job-{n}"><div col-id="title">'
        f'<a href="/careers/c/list/job-{n}">Job {n}</a>'
        '<span class="text-xs">Acme | Ops</span></div>'
        f'<div col-id="location">Town {n}, NS</div></div>'
        for n in range(100)
    )
    html = f'<div class="ag-center-cols-container">{rows}</div>'

    listing = parse_careers_page(html, PAGE_URL)

    assert len(listing.postings) == 100
    assert listing.postings[99].title == "Job 99"
    assert listing.postings[99].location == "Town 99, NS"


# Element UI ----------------------------------------------------------------------


def test_element_ui_panels_become_postings() -> None:
    """Each collapse item gives a posting whose id comes from its link."""
    listing = parse_careers_page(load_page("element_ui.html"), PAGE_URL)

    assert listing.status is ListingStatus.FOUND
    assert [posting.job_id for posting in listing.postings] == ["77a1", "77b9"]
    assert [posting.title for posting in listing.postings] == [
        "Cashier, Valley Co-op",
        "Store Manager",
    ]


def test_element_ui_free_text_is_recognised_by_shape() -> None:
    """Location, date, work type and pay are found in the panel's text."""
    listing = parse_careers_page(load_page("element_ui.html"), PAGE_URL)

    cashier, manager = listing.postings
    assert (cashier.location, cashier.posted) == ("Kentville, NS", "02/14/2026")
    assert (cashier.work_type, cashier.pay_type) == ("Part-Time", "Hourly")
    assert cashier.pay_rate == "$16.50"
    assert (manager.location, manager.posted) == ("Wolfville, NS", "01/30/2026")
    assert (manager.work_type, manager.pay_type) == ("Full Time", "Salary")


def test_element_ui_description_iframes() -> None:
    """Panels carry their description inline or as an absolute URL."""
    listing = parse_careers_page(load_page("element_ui.html"), PAGE_URL)

    cashier, manager = listing.postings
    assert cashier.description_html == (
        "<p>Serve members at the front counter.</p><p>Evenings and weekends.</p>"
    )
    assert manager.description_url == (
        f"{BASE}/careers/{COMPANY}/list/77b9/description"
    )


# JSON-LD -------------------------------------------------------------------------


def test_json_ld_single_job_posting() -> None:
    """A single JobPosting object is read field by field."""
    listing = parse_careers_page(load_page("json_ld_single.html"), PAGE_URL)

    assert listing.status is ListingStatus.FOUND
    (posting,) = listing.postings
    assert posting.job_id == "b7e0f6a2"
    assert posting.title == "Parts Counter Person"
    assert posting.detail_url == f"{BASE}/careers/{COMPANY}/list/b7e0f6a2"
    assert posting.organization == "Northside Ford"
    assert posting.location == "Sydney, NS"
    assert posting.posted == "2026-02-25T09:30:00-04:00"
    assert posting.work_type == "FULL_TIME"
    assert posting.pay_rate == "$19.00 - $23.50"
    assert posting.pay_type == "Hourly"
    assert posting.description_html == "<p>Help customers find the right part.</p>"


def test_json_ld_array_skips_other_types() -> None:
    """In an array only JobPosting objects count; list values are joined."""
    listing = parse_careers_page(load_page("json_ld_array.html"), PAGE_URL)

    warehouse, dispatcher = listing.postings
    assert (warehouse.job_id, dispatcher.job_id) == ("wh-201", "wh-202")
    assert warehouse.work_type == "FULL_TIME, TEMPORARY"
    assert warehouse.pay_rate == "$48,000"
    assert warehouse.pay_type == "Yearly"
    assert dispatcher.organization == "Bluenose Logistics"
    assert dispatcher.location == "Truro, NS"


def test_json_ld_graph() -> None:
    """A JobPosting inside '@graph' is found; a numeric identifier is text."""
    listing = parse_careers_page(load_page("json_ld_graph.html"), PAGE_URL)

    (posting,) = listing.postings
    assert posting.job_id == "5521"
    assert posting.title == "Registered Nurse"
    assert posting.location == "Lunenburg, NS"
    assert posting.work_type == "PER_DIEM"


def test_json_ld_with_schema_url_type_and_raw_newlines() -> None:
    """A full schema.org type URL, CDATA markers and raw newlines are accepted."""
    html = (
        '<script type="application/ld+json">//<![CDATA[\n'
        '{"@type": "https://schema.org/JobPosting", "identifier": "k-1",'
        ' "title": "Greeter", "description": "<p>Line one\nline two</p>"}\n'
        "//]]></script>"
    )

    listing = parse_careers_page(html, PAGE_URL)

    (posting,) = listing.postings
    assert (posting.job_id, posting.title) == ("k-1", "Greeter")
    assert posting.description_html == "<p>Line one line two</p>"


def test_broken_json_ld_is_not_a_listing() -> None:
    """JSON-LD that does not parse is ignored, leaving the page inconclusive."""
    html = (
        '<script type="application/ld+json">{"@type": "JobPosting", "title": </script>'
        '<div id="app"></div><script src="/app.js"></script>'
    )

    listing = parse_careers_page(html, PAGE_URL)

    assert listing.status is ListingStatus.INCONCLUSIVE


# Application state -------------------------------------------------------------


def test_initial_state_assignment() -> None:
    """Postings in 'window.__INITIAL_STATE__' are found deep in the tree."""
    listing = parse_careers_page(load_page("app_state_initial.html"), PAGE_URL)

    assert listing.status is ListingStatus.FOUND
    assert [posting.job_id for posting in listing.postings] == ["a1f0", "a1f1"]
    first = listing.postings[0]
    assert first.title == "Body Shop Technician, Acme Motors"
    assert (first.organization, first.position) == ("Acme Motors", "Collision")
    assert (first.posted, first.work_type) == ("03/03/2026", "Full-Time")
    assert (first.pay_rate, first.pay_type) == ("$28.00", "Hourly")


def test_next_data_script() -> None:
    """Postings in '__NEXT_DATA__' are read with their variant field names."""
    listing = parse_careers_page(load_page("app_state_next.html"), PAGE_URL)

    (posting,) = listing.postings
    assert (posting.job_id, posting.title) == ("pr-9", "Line Cook")
    assert posting.organization == "Kitchen"
    assert posting.location == "Digby, NS"
    assert posting.posted == "2026-02-28T14:00:00Z"
    assert posting.work_type == "SEASONAL"


def test_nuxt_state_in_plain_json() -> None:
    """A plain-JSON '__NUXT__' state is read; 'name' counts as a title."""
    listing = parse_careers_page(load_page("app_state_nuxt.html"), PAGE_URL)

    (posting,) = listing.postings
    assert (posting.job_id, posting.title) == ("n-301", "Bookkeeper")
    assert posting.location == "Antigonish, NS"
    assert posting.posted == "2026-02-02"


def test_json_script_tag() -> None:
    """A '<script type="application/json">' block is searched for postings."""
    listing = parse_careers_page(load_page("app_state_json_script.html"), PAGE_URL)

    assert [posting.title for posting in listing.postings] == [
        "Office Administrator",
        "Accounts Payable Clerk",
    ]


def test_json_parse_state() -> None:
    """State assigned through JSON.parse of a string literal is read."""
    state = json.dumps({"jobs": [{"id": "q1", "title": "Porter"}]})
    literal = json.dumps(state)
    html = f"<script>window.__PRELOADED_STATE__ = JSON.parse({literal});</script>"

    listing = parse_careers_page(html, PAGE_URL)

    assert [posting.job_id for posting in listing.postings] == ["q1"]


def test_state_of_id_and_name_pairs_is_not_postings() -> None:
    """Lists like departments (id and name only) are not taken for postings."""
    html = (
        '<div id="app"></div><script>window.__INITIAL_STATE__ = '
        '{"departments": [{"id": 1, "name": "Service"}], "jobs": []};</script>'
    )

    listing = parse_careers_page(html, PAGE_URL)

    assert listing.status is ListingStatus.INCONCLUSIVE


def test_script_state_that_is_not_json_is_ignored() -> None:
    """A state built by a JavaScript function is not guessed at."""
    html = (
        '<div id="__nuxt"></div>'
        "<script>window.__NUXT__=(function(a){return {jobs:[{id:a}]}})(1);</script>"
    )

    listing = parse_careers_page(html, PAGE_URL)

    assert listing.status is ListingStatus.INCONCLUSIVE


def test_ag_grid_wins_over_other_forms() -> None:
    """When a page has both a grid and JSON-LD, the grid's postings are used."""
    grid = load_page("ag_grid_src.html")
    json_ld = load_page("json_ld_single.html").split("<body>")[0].split("<head>")[1]
    html = grid.replace("</head>", json_ld + "</head>")

    listing = parse_careers_page(html, PAGE_URL)

    assert [posting.job_id for posting in listing.postings] == ["1187", "1190"]


# No openings and doubt -------------------------------------------------------------


def test_visible_no_openings_statement_is_empty() -> None:
    """A page that says it has no positions is conclusively empty."""
    listing = parse_careers_page(load_page("no_openings.html"), PAGE_URL)

    assert listing.status is ListingStatus.EMPTY
    assert listing.strategy == "html"
    assert "No positions available" in listing.reason


@pytest.mark.parametrize(
    "words",
    [
        "No positions available",
        "No current openings",
        "We don\u2019t have any open positions at the moment.",
        "We don't have any open positions.",
        "There are currently no open positions.",
        "Sorry, there are no job openings right now.",
        "NO OPENINGS AT THIS TIME",
    ],
)
def test_no_openings_wordings(words: str) -> None:
    """Each common way of saying there are no openings is understood."""
    html = f"<html><body><div class='careers'><p>{words}</p></div></body></html>"

    listing = parse_careers_page(html, PAGE_URL)

    assert listing.status is ListingStatus.EMPTY


def test_postings_shown_win_over_hidden_empty_wording() -> None:
    """A grid with rows is found although a hidden overlay says 'no positions'."""
    html = load_page("ag_grid_srcdoc.html")
    assert "No positions available" in html

    listing = parse_careers_page(html, PAGE_URL)

    assert listing.status is ListingStatus.FOUND
    assert len(listing.postings) == 3


def test_hidden_empty_wording_on_a_shell_is_inconclusive() -> None:
    """Empty-state words in templates or hidden blocks prove nothing."""
    listing = parse_careers_page(load_page("shell_hidden_empty.html"), PAGE_URL)

    assert listing.status is ListingStatus.INCONCLUSIVE
    assert "hidden" in listing.reason


@pytest.mark.parametrize(
    "hidden",
    [
        "<div hidden>No positions available</div>",
        "<div style='display: none'>No positions available</div>",
        "<div style='visibility:hidden'>No positions available</div>",
        "<div aria-hidden='true'>No positions available</div>",
        "<template><p>No positions available</p></template>",
        "<noscript>No positions available</noscript>",
        "<div class='d-none'>No positions available</div>",
        "<div class='text-center hidden'>No positions available</div>",
        "<div class='is-hidden'>No positions available</div>",
        "<div v-cloak>No positions available</div>",
        "<div class='v-cloak'>No positions available</div>",
        "<div v-if='!jobs.length'>No positions available</div>",
        "<div class='collapse'>No positions available</div>",
        "<section hidden><div><p>No <b>positions</b> available</p></div></section>",
        "<script>var empty = 'No positions available';</script>",
    ],
)
def test_each_way_of_hiding_wording_is_inconclusive(hidden: str) -> None:
    """Wording in any hidden element does not make an empty listing."""
    html = f"<html><body><div id='app'></div>{hidden}</body></html>"

    listing = parse_careers_page(html, PAGE_URL)

    assert listing.status is ListingStatus.INCONCLUSIVE


def test_app_shell_is_inconclusive() -> None:
    """A shell whose listing is drawn by JavaScript tells nothing."""
    listing = parse_careers_page(load_page("app_shell.html"), PAGE_URL)

    assert listing.status is ListingStatus.INCONCLUSIVE
    assert "application shell" in listing.reason


def test_error_page_is_inconclusive() -> None:
    """An error page is named as such in the reason."""
    listing = parse_careers_page(load_page("error_page.html"), PAGE_URL)

    assert listing.status is ListingStatus.INCONCLUSIVE
    assert "error page" in listing.reason
    assert "502 Bad Gateway" in listing.reason


def test_login_page_is_inconclusive() -> None:
    """A login form instead of a listing is named in the reason."""
    listing = parse_careers_page(load_page("login_page.html"), PAGE_URL)

    assert listing.status is ListingStatus.INCONCLUSIVE
    assert "login" in listing.reason


def test_unknown_layout_is_inconclusive() -> None:
    """Job-like cards in an unknown layout are neither postings nor absence."""
    listing = parse_careers_page(load_page("unknown_layout.html"), PAGE_URL)

    assert listing.status is ListingStatus.INCONCLUSIVE
    assert "known layout" in listing.reason


@pytest.mark.parametrize(
    "html",
    ["", "   ", "<<<>>>", "<html><body", "\x00\x01binary", "<div><p><span>unclosed"],
)
def test_malformed_pages_are_inconclusive(html: str) -> None:
    """Broken or empty HTML never raises; it is simply inconclusive."""
    listing = parse_careers_page(html, PAGE_URL)

    assert listing.status is ListingStatus.INCONCLUSIVE
    assert listing.reason


# JSON listing ----------------------------------------------------------------------


def test_json_bare_array_uses_grid_column_names() -> None:
    """A bare array of objects with AG Grid column names is read."""
    listing = parse_json_listing(load_json("listing_bare.json"), PAGE_URL)

    assert listing.status is ListingStatus.FOUND
    assert listing.strategy == "api"
    advisor, manager = listing.postings
    assert advisor == RawPosting(
        job_id="4f1c9b2e",
        title="Service Advisor, Acme Motors",
        organization="Acme Motors",
        position="Service",
        location="Truro, NS",
        posted="03/02/2026",
        work_type="Full-Time",
        pay_rate="$22.00",
        pay_type="Hourly",
    )
    assert manager.job_id == "1190"


def test_json_wrapper_with_variant_field_names() -> None:
    """A '{"jobs": [...]}' wrapper with snake and camel variants is read."""
    listing = parse_json_listing(load_json("listing_wrapped.json"), PAGE_URL)

    driver, detailer = listing.postings
    assert (driver.job_id, driver.title) == ("j-17", "Parts Driver")
    assert (driver.organization, driver.location) == ("Parts", "Truro, NS")
    assert (driver.posted, driver.work_type) == ("2026-02-01", "PART_TIME")
    assert driver.salary_range == "$17 - $19 per hour"
    assert driver.apply_url == f"{BASE}/careers/{COMPANY}/list/j-17/form"
    assert driver.description_html == "<p>Deliver parts to <b>shops</b>.</p>"
    assert (detailer.job_id, detailer.title) == ("j-18", "Detailer")
    assert detailer.posted == "2026-02-03T12:00:00Z"
    assert detailer.summary == "Keep vehicles spotless."
    assert detailer.detail_url == f"{BASE}/careers/{COMPANY}/list/j-18?title=Detailer"


def test_json_wrapper_nested_one_level() -> None:
    """A list one level down, as in '{"data": {"jobs": [...]}}', is read."""
    listing = parse_json_listing(load_json("listing_nested.json"), PAGE_URL)

    (posting,) = listing.postings
    assert (posting.job_id, posting.title) == ("u-1", "Lot Attendant")
    assert posting.work_type == "temporary"


@pytest.mark.parametrize("key", ["jobs", "data", "results", "items"])
def test_json_wrappers(key: str) -> None:
    """Each common wrapper key holds the list of postings."""
    listing = parse_json_listing({key: [{"id": 7, "title": "Porter"}]}, PAGE_URL)

    assert [(p.job_id, p.title) for p in listing.postings] == [("7", "Porter")]


@pytest.mark.parametrize(
    "data",
    [[], {"jobs": []}, {"data": {"jobs": []}}, {"total": 0, "results": []}],
)
def test_json_empty_arrays_are_empty(data: object) -> None:
    """An empty array, bare or wrapped, is a conclusive absence."""
    listing = parse_json_listing(data, PAGE_URL)

    assert listing.status is ListingStatus.EMPTY
    assert listing.reason == "the JSON listing is an empty array"


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (None, "null"),
        ("<html><body>502 Bad Gateway</body></html>", "text"),
        ({"message": "ok"}, "without a list"),
        ({"error": "company not found", "jobs": []}, "error"),
        ({"success": False, "data": []}, "error"),
        ([1, 2, 3], "not objects"),
        ([{"id": 1, "title": "A"}, "B"], "not objects"),
        (42, "int"),
        (True, "bool"),
    ],
)
def test_json_garbage_is_inconclusive(data: object, words: str) -> None:
    """Anything that is not a list of objects is inconclusive, with a reason."""
    listing = parse_json_listing(data, PAGE_URL)

    assert listing.status is ListingStatus.INCONCLUSIVE
    assert words in listing.reason


def test_json_items_without_id_or_title_are_kept() -> None:
    """Items lacking both id and title are passed on, not silently dropped."""
    data = [{"id": "a", "title": "Porter"}, {"location": "Truro, NS"}]

    listing = parse_json_listing(data, PAGE_URL)

    assert len(listing.postings) == 2
    assert listing.postings[1] == RawPosting(location="Truro, NS")


def test_json_location_object_and_lists() -> None:
    """Nested location objects and lists of types are flattened to text."""
    data = [
        {
            "id": "z",
            "title": "Tech",
            "location": {"city": "Truro", "state": "NS"},
            "employmentType": ["FULL_TIME", "CONTRACT"],
            "organization": {"name": "Acme Motors"},
        }
    ]

    (posting,) = parse_json_listing(data, PAGE_URL).postings

    assert posting.location == "Truro, NS"
    assert posting.work_type == "FULL_TIME, CONTRACT"
    assert posting.organization == "Acme Motors"


# Detail pages ----------------------------------------------------------------------


def test_detail_page_srcdoc_behind_analytics_frames() -> None:
    """The description iframe is found past noscript and tracking iframes."""
    url = f"{PAGE_URL}/4f1c9b2e"

    inline, src = find_description(load_page("detail_srcdoc.html"), url)

    assert inline == (
        "<p>Greet customers and write repair orders.</p>"
        "<ul><li>Two years of experience</li></ul>"
    )
    assert src is None


def test_detail_page_src_behind_analytics_frames() -> None:
    """A description iframe's relative src is returned as an absolute URL."""
    url = f"{PAGE_URL}/1187?title=Dental%20Hygienist"

    inline, src = find_description(load_page("detail_src.html"), url)

    assert inline is None
    assert src == f"{BASE}/careers/{COMPANY}/list/1187/description?lang=en"


def test_detail_page_with_only_tracking_frames_has_no_description() -> None:
    """Analytics iframes alone are never taken for the description."""
    html = (
        "<noscript>"
        '<iframe src="https://www.googletagmanager.com/ns.html?id=G"></iframe>'
        "</noscript>"
        '<iframe src="https://www.facebook.com/tr?id=1"></iframe>'
        '<iframe src="about:blank"></iframe>'
    )

    assert find_description(html, f"{PAGE_URL}/1") == (None, None)


def test_detail_page_prefers_the_description_over_another_same_host_frame() -> None:
    """A frame naming the description wins over another frame on the host."""
    html = (
        '<iframe src="/widgets/chat"></iframe>'
        '<iframe src="/careers/c/list/9/description"></iframe>'
    )

    inline, src = find_description(html, f"{BASE}/careers/c/list/9")

    assert (inline, src) == (None, f"{BASE}/careers/c/list/9/description")


def test_description_document_body() -> None:
    """A description document gives its body's inner HTML, without the head."""
    html = load_page("description_document.html")

    body = description_from_document(html)

    assert body.startswith('<div class="WordSection1">')
    assert "EmailStyle17" not in body
    assert "Dental Hygienist" in body


@pytest.mark.parametrize("html", ["", "  ", "<html><head></head></html>"])
def test_description_document_without_content(html: str) -> None:
    """An empty description document gives an empty string."""
    assert description_from_document(html) == ""
