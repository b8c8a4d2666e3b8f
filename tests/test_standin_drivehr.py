"""The DriveHR stand-in serves pages shaped as CONTRACTS.md section 1 says."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from bs4 import BeautifulSoup

from drivehr_sync.standins import (
    SAMPLE_COMPANY_ID,
    SAMPLE_POSTINGS,
    DriveHRSite,
    sample_postings,
)

SERVICE_ADVISOR = SAMPLE_POSTINGS[0]
ALL_IDS = [posting["id"] for posting in SAMPLE_POSTINGS]
EMPTY_WORDS = re.compile(
    r"no positions available|no current openings|don't have any open positions",
    re.IGNORECASE,
)


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    # One client for the module: building one per request costs an SSL context.
    with httpx.Client(timeout=5) as shared:
        yield shared


@pytest.fixture
def site() -> Iterator[DriveHRSite]:
    with DriveHRSite() as running:
        yield running


def careers_soup(client: httpx.Client, site: DriveHRSite) -> BeautifulSoup:
    response = client.get(site.careers_url)
    assert response.status_code == 200
    return BeautifulSoup(response.text, "lxml")


def visible_text(soup: BeautifulSoup) -> str:
    for hidden in soup.select(".ag-hidden, [aria-hidden=true], script, noscript"):
        hidden.decompose()
    return soup.get_text(" ", strip=True)


def iframe_body(iframe: Any) -> BeautifulSoup:
    document = BeautifulSoup(iframe["srcdoc"], "lxml")
    return document.body


# AG Grid layout


def test_ag_grid_rows_carry_job_ids_and_cells(
    client: httpx.Client, site: DriveHRSite
) -> None:
    """Each posting is an AG Grid row keyed by its id, with one cell per column."""

    soup = careers_soup(client, site)

    rows = soup.select(".ag-center-cols-container .ag-row[row-id]")
    assert [row["row-id"] for row in rows] == ALL_IDS
    first = rows[0]
    assert first.select_one('[col-id="location"]').get_text() == "Truro, NS"
    assert first.select_one('[col-id="openedOn"]').get_text() == "10/28/2026"
    assert first.select_one('[col-id="workType"]').get_text() == "Full-Time"
    assert first.select_one('[col-id="payRate"]').get_text() == "$22.00"
    assert first.select_one('[col-id="payType"]').get_text() == "Hourly"


def test_ag_grid_title_cell_links_to_the_detail_page(
    client: httpx.Client, site: DriveHRSite
) -> None:
    """The title cell links to the detail page and names organization and position."""

    soup = careers_soup(client, site)

    cell = soup.select_one(f'.ag-row[row-id="{SERVICE_ADVISOR["id"]}"] [col-id=title]')
    link = cell.select_one('a[href*="/list/"]')
    assert link.get_text() == "Service Advisor, Acme Motors"
    assert link["href"] == (
        f"/careers/{SAMPLE_COMPANY_ID}/list/{SERVICE_ADVISOR['id']}"
        "?title=Service%20Advisor"
    )
    assert cell.select_one(".text-xs").get_text() == "Acme Motors | Service Advisor"


def test_ag_grid_detail_rows_hold_the_description_in_srcdoc(
    client: httpx.Client, site: DriveHRSite
) -> None:
    """Expanded detail rows carry each description as an iframe document."""

    soup = careers_soup(client, site)

    detail = soup.select_one(f'[row-id="detail_{SERVICE_ADVISOR["id"]}"]')
    assert "ag-full-width-row" in detail["class"]
    body = iframe_body(detail.select_one("iframe"))
    assert "Service Advisor to join our busy service department" in body.get_text()
    assert len(soup.select('[row-id^="detail_"]')) == len(ALL_IDS)


def test_ag_grid_keeps_a_hidden_no_rows_overlay(
    client: httpx.Client, site: DriveHRSite
) -> None:
    """The empty-state words exist on a full page but only in a hidden overlay."""

    soup = careers_soup(client, site)

    overlay = soup.select_one(".ag-overlay")
    assert "No positions available" in overlay.get_text()
    assert "ag-hidden" in overlay["class"]
    assert not EMPTY_WORDS.search(visible_text(soup))


def test_ag_grid_column_headers_are_not_rows(
    client: httpx.Client, site: DriveHRSite
) -> None:
    """Header cells share col-ids with data cells but sit outside every row."""

    soup = careers_soup(client, site)

    headers = soup.select('.ag-header-cell[col-id="title"]')
    assert [header.get_text() for header in headers] == ["Title"]
    assert not soup.select(".ag-header .ag-row")


def test_collapsed_grid_has_no_detail_rows(client: httpx.Client) -> None:
    """With rows collapsed, descriptions come only from the detail pages."""
    with DriveHRSite(expanded=False) as site:
        soup = careers_soup(client, site)

    assert len(soup.select(".ag-center-cols-container .ag-row[row-id]")) == 8
    assert soup.select('[row-id^="detail_"]') == []
    assert soup.select("iframe") == []


def test_src_iframes_point_at_the_description_document(client: httpx.Client) -> None:
    """In src mode the iframe names a document that holds the description."""
    with DriveHRSite(iframe_mode="src") as site:
        soup = careers_soup(client, site)
        iframe = soup.select_one(f'[row-id="detail_{SERVICE_ADVISOR["id"]}"] iframe')

        document = client.get(site.base_url + iframe["src"])

    assert iframe["src"].endswith(f"/list/{SERVICE_ADVISOR['id']}/description")
    assert not iframe.has_attr("srcdoc")
    body = BeautifulSoup(document.text, "lxml").body
    assert "busy service department" in body.get_text()


def test_title_suffix_can_be_turned_off(client: httpx.Client) -> None:
    """Without a suffix the page shows the bare titles."""
    with DriveHRSite(title_suffix=None) as site:
        soup = careers_soup(client, site)

    link = soup.select_one('.ag-row [col-id=title] a[href*="/list/"]')
    assert link.get_text() == "Service Advisor"


# Other layouts


def test_element_ui_panels_hold_title_link_and_free_text(
    client: httpx.Client,
) -> None:
    """Element UI panels carry the title link and free-text details."""
    with DriveHRSite(layout="element-ui") as site:
        soup = careers_soup(client, site)

    items = soup.select(".el-collapse-item")
    assert len(items) == 8
    link = items[0].select_one(".el-collapse-item__header a.list-title-link")
    assert link.get_text() == "Service Advisor, Acme Motors"
    assert f"/list/{SERVICE_ADVISOR['id']}" in link["href"]
    content = items[0].select_one(".el-collapse-item__content")
    lines = [line.get_text() for line in content.find_all("div")]
    assert lines == ["Truro, NS", "10/28/2026", "Full-Time", "Hourly"]
    assert "busy service department" in iframe_body(content.iframe).get_text()


def test_element_ui_header_ids_change_between_renders(client: httpx.Client) -> None:
    """Header ids are generated per render, so they cannot identify a posting."""
    with DriveHRSite(layout="element-ui") as site:
        renders = [careers_soup(client, site) for _ in range(3)]

    id_sets = [
        tuple(h["id"] for h in soup.select(".el-collapse-item__header"))
        for soup in renders
    ]
    assert len(set(id_sets)) > 1


def test_json_ld_graph_lists_job_postings(client: httpx.Client) -> None:
    """The JSON-LD page holds a @graph of JobPosting objects with ids and urls."""
    with DriveHRSite(layout="json-ld") as site:
        soup = careers_soup(client, site)
        detail_url = site.detail_url(SERVICE_ADVISOR["id"])

    script = soup.select_one('script[type="application/ld+json"]')
    graph = json.loads(script.string)["@graph"]
    assert [node["@type"] for node in graph] == ["JobPosting"] * 8
    first = graph[0]
    assert first["identifier"]["value"] == SERVICE_ADVISOR["id"]
    assert first["url"] == detail_url
    assert first["datePosted"] == "2026-10-28"
    assert first["jobLocation"]["address"]["addressLocality"] == "Truro"
    assert "busy service department" in first["description"]


def test_app_state_script_holds_grid_fields(client: httpx.Client) -> None:
    """The app-state page serializes the jobs under AG Grid field names."""
    with DriveHRSite(layout="app-state") as site:
        soup = careers_soup(client, site)

    script = next(
        tag.string
        for tag in soup.find_all("script")
        if tag.string and "__INITIAL_STATE__" in tag.string
    )
    state = json.loads(re.search(r"=\s*(\{.*\});", script, re.DOTALL).group(1))
    assert [job["id"] for job in state["jobs"]] == ALL_IDS
    assert state["jobs"][0]["openedOn"] == "10/28/2026"
    assert state["jobs"][0]["payType"] == "Hourly"


def test_shell_shows_neither_postings_nor_empty_words(client: httpx.Client) -> None:
    """The application shell has an empty mount point and nothing to read."""
    with DriveHRSite(layout="shell") as site:
        soup = careers_soup(client, site)

    assert soup.select_one("#app").contents == []
    assert soup.select("script[src]")
    assert not EMPTY_WORDS.search(soup.get_text())
    assert not soup.select(".ag-row, .el-collapse-item")


def test_error_layout_is_a_200_page_saying_something_went_wrong(
    client: httpx.Client,
) -> None:
    """The error layout answers 200 with an error message and no postings."""
    with DriveHRSite(layout="error") as site:
        response = client.get(site.careers_url)

    assert response.status_code == 200
    assert "Something went wrong" in response.text
    assert not EMPTY_WORDS.search(response.text)


@pytest.mark.parametrize("layout", ["ag-grid", "element-ui", "json-ld", "app-state"])
def test_no_postings_is_stated_visibly(client: httpx.Client, layout: str) -> None:
    """With no postings each rendering layout says so in visible words."""
    with DriveHRSite(layout=layout, postings=[]) as site:
        soup = careers_soup(client, site)

    assert EMPTY_WORDS.search(visible_text(soup))
    assert not soup.select(".ag-row, .el-collapse-item")


def test_replaced_postings_show_on_the_next_render(
    client: httpx.Client, site: DriveHRSite
) -> None:
    """set_postings() changes what the next page shows."""
    site.set_postings(SAMPLE_POSTINGS[:2])

    soup = careers_soup(client, site)

    rows = soup.select(".ag-center-cols-container .ag-row[row-id]")
    assert [row["row-id"] for row in rows] == ALL_IDS[:2]


def test_unknown_layout_is_refused() -> None:
    """A layout name the stand-in does not know is rejected at construction."""
    with pytest.raises(ValueError, match="layout"):
        DriveHRSite(layout="tables")


# JSON listing


@pytest.mark.parametrize("mode", ["array", "wrapped"])
def test_json_listing_uses_grid_field_names(client: httpx.Client, mode: str) -> None:
    """The JSON listing is a bare array or a data wrapper of grid-named objects."""
    with DriveHRSite(json_listing=mode) as site:
        response = client.get(site.json_listing_url)

    body = response.json()
    rows = body if mode == "array" else body["data"]
    assert [row["id"] for row in rows] == ALL_IDS
    assert set(rows[0]) == {
        "id",
        "title",
        "organization",
        "position",
        "location",
        "openedOn",
        "workType",
        "payRate",
        "payType",
        "description",
    }


def test_json_listing_missing_or_html(client: httpx.Client) -> None:
    """The listing can be absent (404) or an HTML page answered with 200."""
    with DriveHRSite(json_listing="missing") as missing:
        absent = client.get(missing.json_listing_url)
    with DriveHRSite(json_listing="html") as broken:
        page = client.get(broken.json_listing_url)

    assert absent.status_code == 404
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")


def test_json_listing_for_another_company_is_not_found(
    client: httpx.Client, site: DriveHRSite
) -> None:
    """Another company's id answers 404 from the listing and the pages."""

    listing = client.get(site.base_url + "/careers/company/list?id=other")
    page = client.get(site.base_url + "/careers/other/list")

    assert (listing.status_code, page.status_code) == (404, 404)


# Detail pages, description documents, forms


def test_detail_page_puts_a_tag_manager_iframe_first(
    client: httpx.Client, site: DriveHRSite
) -> None:
    """The first iframe is analytics; the description iframe follows it."""

    response = client.get(site.detail_url(SERVICE_ADVISOR["id"]) + "?title=x")

    soup = BeautifulSoup(response.text, "lxml")
    first, description = soup.find_all("iframe")
    assert "googletagmanager.com" in first["src"]
    assert first.find_parent("noscript") is not None
    assert "busy service department" in iframe_body(description).get_text()
    assert soup.select_one("h1").get_text() == "Service Advisor, Acme Motors"


def test_detail_page_in_src_mode_points_at_the_document(client: httpx.Client) -> None:
    """In src mode the detail page's description iframe names the document."""
    with DriveHRSite(iframe_mode="src") as site:
        response = client.get(site.detail_url(SERVICE_ADVISOR["id"]))

    iframes = BeautifulSoup(response.text, "lxml").find_all("iframe")
    assert iframes[1]["src"].endswith("/description")


def test_unknown_job_is_not_found(client: httpx.Client, site: DriveHRSite) -> None:
    """A job id the company does not have answers 404."""

    response = client.get(site.detail_url("no-such-job"))

    assert response.status_code == 404


def test_application_form_page(client: httpx.Client, site: DriveHRSite) -> None:
    """Each posting has an application form page."""

    response = client.get(site.detail_url(SERVICE_ADVISOR["id"]) + "/form")

    soup = BeautifulSoup(response.text, "lxml")
    assert response.status_code == 200
    assert soup.select_one("form input[name=email]") is not None


# Faults and recording


def test_queued_failures_match_their_path_prefix(
    client: httpx.Client, site: DriveHRSite
) -> None:
    """Failures queued for a prefix answer only matching requests, in order."""
    site.queue_failures("/careers/company", 429, 503)

    page = client.get(site.careers_url)
    limited = client.get(site.json_listing_url)
    unavailable = client.get(site.json_listing_url)
    recovered = client.get(site.json_listing_url)

    assert page.status_code == 200
    assert limited.status_code == 429
    assert limited.headers["Retry-After"] == "1"
    assert (unavailable.status_code, recovered.status_code) == (503, 200)


def test_failures_queued_without_prefix_match_any_path(
    client: httpx.Client, site: DriveHRSite
) -> None:
    """A failure queued for None answers whatever request comes next."""
    site.queue_failures(None, 500)

    first = client.get(site.detail_url(SERVICE_ADVISOR["id"]))
    second = client.get(site.detail_url(SERVICE_ADVISOR["id"]))

    assert (first.status_code, second.status_code) == (500, 200)


def test_failing_details_always_answer_500(client: httpx.Client) -> None:
    """Jobs in fail_details break their detail page and document, not the list."""
    job_id = SERVICE_ADVISOR["id"]
    with DriveHRSite(fail_details={job_id}) as site:
        answers = [
            client.get(site.detail_url(job_id)).status_code,
            client.get(site.detail_url(job_id)).status_code,
            client.get(site.detail_url(job_id) + "/description").status_code,
            client.get(site.detail_url(ALL_IDS[1])).status_code,
            client.get(site.careers_url).status_code,
        ]

    assert answers == [500, 500, 500, 200, 200]


def test_delay_makes_a_short_client_timeout_expire() -> None:
    """A per-request delay is long enough to trip a client's read timeout."""
    with DriveHRSite(delay_s=0.3) as site, pytest.raises(httpx.ReadTimeout):
        httpx.get(site.careers_url, timeout=0.05)


def test_requests_are_recorded_with_query_and_headers(
    client: httpx.Client, site: DriveHRSite
) -> None:
    """Each request is recorded with its path, parsed query and headers."""

    client.get(site.json_listing_url, headers={"User-Agent": "drivehr-sync/1.0"})

    [recorded] = site.requests
    assert recorded.path == "/careers/company/list"
    assert recorded.query == {"id": SAMPLE_COMPANY_ID}
    assert recorded.headers["user-agent"] == "drivehr-sync/1.0"
    assert recorded.status == 200


# Sample data


def test_sample_descriptions_are_messy_word_html() -> None:
    """The sample postings carry Word debris and one javascript: link."""

    descriptions = [posting["description"] for posting in sample_postings()]

    joined = "".join(descriptions)
    for debris in ("mso-", "<o:p>", 'lang="', 'align="', 'start="', "<span></span>"):
        assert debris in joined
    assert sum("javascript:" in text for text in descriptions) == 1


def test_sample_postings_returns_an_independent_copy() -> None:
    """Changing the returned postings leaves the embedded data intact."""
    copy = sample_postings()

    copy[0]["title"] = "Changed"

    assert SAMPLE_POSTINGS[0]["title"] == "Service Advisor"
