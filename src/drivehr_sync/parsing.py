"""Read postings out of DriveHR's careers page, detail pages and JSON listing.

Every reader answers with a :class:`Listing`: postings found, an explicit
statement that there are none, or inconclusive. Only words a visitor would
see count as "no openings"; anything unrecognised is inconclusive, because
an empty delivery deletes every job on the site.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, Tag
from bs4.element import NavigableString
from bs4.filter import SoupStrainer
from lxml import etree
from lxml import html as lxml_html

from drivehr_sync.logs import get_logger
from drivehr_sync.models import Listing, RawPosting
from drivehr_sync.normalize import job_id_from_url
from drivehr_sync.records import (
    assigned_states,
    collapse_whitespace,
    job_postings,
    largest_posting_list,
    listing_array,
    load_json,
    posting_from_json_ld,
    posting_from_record,
    unique,
)

__all__ = [
    "description_from_document",
    "find_description",
    "parse_careers_page",
    "parse_json_listing",
]

log = get_logger(__name__)

PAGE_STRATEGY = "html"
API_STRATEGY = "api"

# Ways a careers page says it has no openings.
NO_OPENINGS = re.compile(
    r"\bno\s+(?:(?:current(?:ly)?|open|available|active|job)\s+)*"
    r"(?:positions|openings|jobs|vacancies|job\s+postings|opportunities)\b"
    r"(?:\s+(?:are\s+)?(?:currently\s+)?(?:available|open|posted)\b)?"
    r"|\bno\s+position\s+(?:is\s+)?available\b"
    r"|\b(?:don[\u2019']?t|do\s+not)\s+have\s+any\s+"
    r"(?:(?:current|open|available)\s+)*(?:positions|openings|jobs|vacancies)\b"
    r"|\bnot\s+(?:currently\s+)?hiring\b",
    re.IGNORECASE,
)
NOT_RENDERED = {"script", "style", "head", "title", "meta", "link", "iframe"}
HIDDEN_TAGS = {"template", "noscript"}
HIDDEN_CLASSES = {
    "hidden",
    "d-none",
    "is-hidden",
    "v-cloak",
    "invisible",
    "hide",
    "ng-hide",
    "ng-cloak",
    "x-cloak",
    "visually-hidden",
    "sr-only",
}
# Attributes of client-side templates: the element shows only when the
# script decides so, which a plain GET cannot know.
CONDITIONAL_ATTRIBUTES = (
    "v-if",
    "v-else",
    "v-else-if",
    "v-show",
    "v-cloak",
    "x-show",
    "x-if",
    "x-cloak",
    "*ngif",
    "ng-if",
    "ng-show",
    "ng-hide",
)
_HIDING_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)

DETAIL_FRAMES = SoupStrainer(["iframe", "noscript"])

# Hosts of iframes that are never a posting's description.
TRACKER_HOSTS = (
    "googletagmanager.",
    "google-analytics.",
    "doubleclick.",
    "facebook.",
    "fb.com",
    "hotjar.",
    "linkedin.",
    "twitter.",
    "bing.",
    "clarity.ms",
    "hubspot.",
    "recaptcha",
    "youtube.",
    "vimeo.",
    "intercom.",
)

DATE = re.compile(r"\b(\d{1,2}/\d{1,2}/\d{4})\b")
CITY_STATE = re.compile(
    r"\b([A-Z][\w.'\u2019-]*(?:\s+[A-Za-z][\w.'\u2019-]*)*),\s*([A-Z]{2})\b"
)
WORK_TYPE = re.compile(
    r"\b(full[\s_-]?time|part[\s_-]?time|contract(?:or)?|temporary|seasonal"
    r"|internship|per[\s-]?diem|casual)\b",
    re.IGNORECASE,
)
PAY_TYPE = re.compile(
    r"\b(hourly|salary(?:\s+yearly)?|salaried|annual(?:ly)?|yearly|weekly"
    r"|monthly|per\s+hour|commission)\b",
    re.IGNORECASE,
)
PAY_RATE = re.compile(
    r"\$\s?\d[\d,]*(?:\.\d+)?(?:\s*[-\u2013]\s*\$?\s?\d[\d,]*(?:\.\d+)?)?"
)
ERROR_WORDS = re.compile(
    r"\b(?:404|500|502|503|not\s+found|error|unavailable|forbidden"
    r"|access\s+denied|something\s+went\s+wrong)\b",
    re.IGNORECASE,
)


def parse_careers_page(html: str, page_url: str) -> Listing:
    """What the careers page shows: postings, a stated absence, or nothing."""
    try:
        soup = BeautifulSoup(html or "", "lxml")
        return _read_careers_soup(soup, page_url)
    except (ValueError, TypeError, AttributeError, KeyError, RecursionError) as exc:
        log.debug("parsing.page_failed", error=type(exc).__name__)
        return Listing.inconclusive(
            PAGE_STRATEGY, f"the careers page could not be read ({exc})"
        )


def _read_careers_soup(soup: BeautifulSoup, page_url: str) -> Listing:
    readers: tuple[tuple[str, Callable[..., list[RawPosting]]], ...] = (
        ("ag_grid", _read_ag_grid),
        ("element_ui", _read_element_ui),
        ("json_ld", _read_json_ld),
        ("app_state", _read_app_state),
    )
    for form, reader in readers:
        postings = reader(soup, page_url)
        if postings:
            log.debug("parsing.page_found", form=form, postings=len(postings))
            return Listing.found(PAGE_STRATEGY, postings)

    visible, hidden = _split_text(soup)
    statement = _no_openings_statement(visible)
    if statement:
        return Listing.empty(PAGE_STRATEGY, f"the careers page says {statement!r}")
    return Listing.inconclusive(PAGE_STRATEGY, _why_nothing(soup, visible, hidden))


def parse_json_listing(data: object, page_url: str) -> Listing:
    """What DriveHR's JSON listing holds: postings, none, or nothing usable."""
    records, where = listing_array(data)
    if records is None:
        return Listing.inconclusive(API_STRATEGY, where)
    if not records:
        return Listing.empty(API_STRATEGY, "the JSON listing is an empty array")

    if not all(isinstance(record, dict) for record in records):
        return Listing.inconclusive(
            API_STRATEGY, f"the JSON listing {where} holds values that are not objects"
        )
    postings = [posting_from_record(record, page_url) for record in records]
    return Listing.found(API_STRATEGY, postings)


def find_description(detail_html: str, page_url: str) -> tuple[str | None, str | None]:
    """The description iframe of a detail page: (inline HTML, None) or (None, URL)."""
    try:
        # Only iframes matter (and the noscript blocks that disqualify
        # some); building the rest of the page's tree is wasted work.
        soup = BeautifulSoup(detail_html or "", "lxml", parse_only=DETAIL_FRAMES)
        return _iframe_description(soup, page_url)
    except (ValueError, TypeError, AttributeError, RecursionError) as exc:
        log.debug("parsing.detail_failed", error=type(exc).__name__)
        return None, None


def description_from_document(html: str) -> str:
    """The inner HTML of a description document's body."""
    if not html or not html.strip():
        return ""
    # lxml directly: a page of 100 postings carries 100 such documents, and
    # a BeautifulSoup tree for each would dominate the parsing time.
    try:
        body = lxml_html.document_fromstring(html).find("body")
    except (etree.ParserError, ValueError):
        return ""
    if body is None:
        return ""
    inner = [body.text or ""]
    inner.extend(lxml_html.tostring(child, encoding="unicode") for child in body)
    return "".join(inner).strip()


# AG Grid ---------------------------------------------------------------


def _read_ag_grid(soup: BeautifulSoup, page_url: str) -> list[RawPosting]:
    center_rows = soup.select(".ag-center-cols-container .ag-row[row-id]")
    if not center_rows:
        return []

    # The same row is drawn once per container (pinned left, center,
    # pinned right); its cells are merged by row id.
    cells: dict[str, dict[str, Tag]] = {}
    details: dict[str, Tag] = {}
    for row in soup.select("[row-id]"):
        row_id = str(row.get("row-id", "")).strip()
        if row_id.startswith("detail_"):
            details.setdefault(row_id.removeprefix("detail_"), row)
            continue
        if not row_id or "ag-row" not in (row.get("class") or []):
            continue
        row_cells = cells.setdefault(row_id, {})
        for cell in row.select("[col-id]"):
            row_cells.setdefault(str(cell.get("col-id")), cell)

    order = unique(str(row.get("row-id", "")).strip() for row in center_rows)
    postings = [
        _ag_grid_posting(row_id, cells.get(row_id, {}), details.get(row_id), page_url)
        for row_id in order
        if row_id and not row_id.startswith("detail_")
    ]
    # Rows without a single title are placeholders drawn while loading.
    if not any(posting.title for posting in postings):
        return []
    return postings


def _ag_grid_posting(
    row_id: str, cells: dict[str, Tag], detail: Tag | None, page_url: str
) -> RawPosting:
    posting = RawPosting(job_id=row_id)

    title_cell = cells.get("title")
    if title_cell is not None:
        _read_title_block(posting, title_cell, page_url)

    # AG Grid's own ids are row numbers when the app sets none; the
    # detail link then holds the real job id.
    link_id = job_id_from_url(posting.detail_url or "")
    if link_id and link_id != row_id and row_id.isdigit():
        posting.job_id = link_id

    posting.location = _cell_text(cells.get("location"))
    posting.posted = _cell_text(cells.get("openedOn"))
    posting.work_type = _cell_text(cells.get("workType"))
    posting.pay_rate = _cell_text(cells.get("payRate"))
    posting.pay_type = _cell_text(cells.get("payType"))
    if detail is not None:
        _read_description_frame(posting, detail, page_url)
    return posting


def _read_title_block(
    posting: RawPosting, block: Tag, page_url: str, link: Tag | None = None
) -> None:
    if link is None:
        link = block.select_one('a[href*="/list/"]') or block.find("a", href=True)
    subtitles = block.select(".text-xs")
    title_source = link if isinstance(link, Tag) else block
    posting.title = _text(title_source, exclude=subtitles) or None
    if isinstance(link, Tag) and link.get("href"):
        posting.detail_url = urljoin(page_url, str(link["href"]).strip())

    if subtitles:
        organization, _, position = _text(subtitles[0]).partition("|")
        posting.organization = organization.strip() or None
        posting.position = position.strip() or None


def _read_description_frame(posting: RawPosting, container: Tag, page_url: str) -> None:
    inline, url = _iframe_description(container, page_url)
    posting.description_html = inline
    posting.description_url = url


# Element UI ------------------------------------------------------------


def _read_element_ui(soup: BeautifulSoup, page_url: str) -> list[RawPosting]:
    postings = []
    for item in soup.select(".el-collapse-item"):
        header = item.select_one(".el-collapse-item__header") or item
        link = header.select_one("a.list-title-link") or item.select_one(
            'a[href*="/list/"]'
        )
        if link is None:
            continue
        posting = RawPosting()
        _read_title_block(posting, header, page_url, link)
        posting.job_id = job_id_from_url(posting.detail_url or "")

        content = item.select_one(".el-collapse-item__content")
        if content is not None:
            _read_free_text(posting, content)
            _read_description_frame(posting, content, page_url)
        postings.append(posting)
    return postings


def _read_free_text(posting: RawPosting, content: Tag) -> None:
    """Location, date, work type and pay, recognised by their shape."""
    for fragment in content.stripped_strings:
        if posting.posted is None and (match := DATE.search(fragment)):
            posting.posted = match.group(1)
        if posting.location is None and (match := CITY_STATE.search(fragment)):
            posting.location = f"{match.group(1)}, {match.group(2)}"
        if posting.work_type is None and (match := WORK_TYPE.search(fragment)):
            posting.work_type = match.group(1)
        if posting.pay_rate is None and (match := PAY_RATE.search(fragment)):
            posting.pay_rate = collapse_whitespace(match.group(0))
        if posting.pay_type is None and (match := PAY_TYPE.search(fragment)):
            posting.pay_type = match.group(1)


# JSON-LD ---------------------------------------------------------------


def _read_json_ld(soup: BeautifulSoup, page_url: str) -> list[RawPosting]:
    postings = []
    for script in soup.find_all("script"):
        if str(script.get("type", "")).strip().lower() != "application/ld+json":
            continue
        document = load_json(script.get_text())
        for item in job_postings(document):
            postings.append(posting_from_json_ld(item, page_url))
    return postings


# Application state ----------------------------------------------------


def _read_app_state(soup: BeautifulSoup, page_url: str) -> list[RawPosting]:
    best: list[dict[str, Any]] = []
    for script in soup.find_all("script"):
        kind = str(script.get("type", "")).strip().lower()
        if kind == "application/ld+json":
            continue
        text = script.get_text()
        if kind == "application/json" or script.get("id") == "__NEXT_DATA__":
            states = [load_json(text)]
        elif kind in ("", "text/javascript", "module", "application/javascript"):
            states = list(assigned_states(text))
        else:
            continue
        for state in states:
            records = largest_posting_list(state)
            if len(records) > len(best):
                best = records
    return [posting_from_record(record, page_url) for record in best]


# Iframes -------------------------------------------------------------


def _iframe_description(container: Tag, page_url: str) -> tuple[str | None, str | None]:
    page_host = urlsplit(page_url).netloc.lower()
    best: tuple[int, Tag] | None = None
    for frame in container.find_all("iframe"):
        score = _description_score(frame, page_host, page_url)
        if score is not None and (best is None or score > best[0]):
            best = (score, frame)
    if best is None:
        return None, None

    frame = best[1]
    if frame.get("srcdoc") is not None:
        return description_from_document(str(frame["srcdoc"])), None
    return None, urljoin(page_url, str(frame["src"]).strip())


def _description_score(frame: Tag, page_host: str, page_url: str) -> int | None:
    """How likely an iframe holds the description; None when it cannot."""
    if frame.find_parent("noscript") is not None:
        return None
    if frame.get("srcdoc") is not None:
        return 100

    src = str(frame.get("src") or "").strip()
    url = urljoin(page_url, src)
    parts = urlsplit(url)
    if not src or parts.scheme not in ("http", "https"):
        return None
    if any(tracker in parts.netloc.lower() for tracker in TRACKER_HOSTS):
        return None

    score = 0
    if "description" in url.lower():
        score += 50
    if "/list/" in parts.path:
        score += 40
    if parts.netloc.lower() == page_host:
        score += 20
    names = " ".join(
        str(frame.get(name) or "") for name in ("id", "name", "title", "class")
    )
    if "description" in names.lower():
        score += 30
    if _is_hidden(frame):
        score -= 30
    return score


# Visible text and the reasons for doubt -------------------------------


def _split_text(soup: BeautifulSoup) -> tuple[str, str]:
    """The page's text a visitor sees, and the text kept out of sight."""
    visible: list[str] = []
    hidden: list[str] = []
    root = soup.body or soup
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, in_hidden = stack.pop()
        if isinstance(node, NavigableString):
            if type(node) is NavigableString and node.strip():
                (hidden if in_hidden else visible).append(node.strip())
            continue
        if not isinstance(node, Tag):
            continue
        if node.name in NOT_RENDERED:
            continue
        if node.name in HIDDEN_TAGS:
            text = node.get_text(" ")
            hidden.append(text)
            continue
        hides = in_hidden or _is_hidden(node)
        stack.extend((child, hides) for child in reversed(node.contents))
    return " ".join(visible), " ".join(hidden)


def _is_hidden(tag: Tag) -> bool:
    attrs = tag.attrs
    if "hidden" in attrs or str(attrs.get("aria-hidden", "")).lower() == "true":
        return True
    if _HIDING_STYLE.search(str(attrs.get("style", ""))):
        return True
    classes = set(attrs.get("class") or [])
    if classes & HIDDEN_CLASSES:
        return True
    if "collapse" in classes and not classes & {"show", "in"}:
        return True
    return any(name in attrs for name in CONDITIONAL_ATTRIBUTES)


def _no_openings_statement(text: str) -> str | None:
    match = NO_OPENINGS.search(collapse_whitespace(text))
    return match.group(0) if match else None


def _why_nothing(soup: BeautifulSoup, visible: str, hidden: str) -> str:
    hidden_statement = _no_openings_statement(hidden)
    if hidden_statement:
        return (
            f"the page shows no postings and its only 'no openings' wording "
            f"({hidden_statement!r}) sits in a hidden element or template"
        )
    if not soup.find(True):
        return "the page is empty"
    if soup.find("input", attrs={"type": "password"}) is not None:
        return "the page asks for a login instead of listing postings"

    title = collapse_whitespace(soup.title.get_text()) if soup.title else ""
    heading = soup.find(["h1", "h2"])
    heading_text = collapse_whitespace(heading.get_text()) if heading else ""
    for candidate in (title, heading_text):
        if candidate and ERROR_WORDS.search(candidate):
            return f"the page looks like an error page ({candidate!r})"

    if soup.select_one(".ag-root, .ag-center-cols-container") is not None:
        return "the AG Grid table has no rows in the HTML (it may not have loaded)"
    if len(visible) < 200 and soup.find("script") is not None:
        return (
            "the page is an application shell: postings are drawn by "
            "JavaScript and none are in the HTML"
        )
    return (
        "the page shows no postings in a known layout and does not say "
        "there are no openings"
    )


# Small text helpers ----------------------------------------------------


def _text(element: Tag, exclude: list[Tag] | None = None) -> str:
    """The element's text, leaving out the subtrees in ``exclude``."""
    if not exclude:
        return collapse_whitespace(element.get_text(" "))
    skipped = {id(tag) for tag in exclude}
    pieces = []
    for piece in element.find_all(string=True):
        if type(piece) is not NavigableString:
            continue
        if any(id(parent) in skipped for parent in piece.parents):
            continue
        pieces.append(str(piece))
    return collapse_whitespace(" ".join(pieces))


def _cell_text(cell: Tag | None) -> str | None:
    if cell is None:
        return None
    return _text(cell) or None
