"""A stand-in for a company's DriveHR careers site, served on loopback.

It renders the careers page in each layout DriveHR has used (see
CONTRACTS.md section 1), the detail pages with their description iframes, the
application form and the JSON listing, and it can inject the faults a real
site shows: rate limiting, server errors, failing detail pages and slowness.
"""

from __future__ import annotations

import copy
import html
import json
import random
import re
import threading
import time
from collections.abc import Iterable
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

from .loopback import LoopbackServer, RecordedRequest, Reply
from .sample_postings import ORGANIZATION, SAMPLE_COMPANY_ID, sample_postings

__all__ = ["DriveHRSite", "LAYOUTS", "JSON_LISTING_MODES"]

LAYOUTS = ("ag-grid", "element-ui", "json-ld", "app-state", "spa", "shell", "error")
JSON_LISTING_MODES = ("array", "wrapped", "missing", "html", "empty")
IFRAME_MODES = ("srcdoc", "src")
LISTING_FIELDS = (
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
)
GRID_COLUMNS = (
    ("title", "Title"),
    ("location", "Location"),
    ("openedOn", "Opened On"),
    ("workType", "Work Type"),
    ("payRate", "Pay Rate"),
    ("payType", "Pay Type"),
)
HTML_TYPE = "text/html; charset=UTF-8"
JSON_TYPE = "application/json"
TAG_MANAGER = (
    '<noscript><iframe src="https://www.googletagmanager.com/ns.html?'
    'id=GTM-XXXX" height="0" width="0" style="display:none;visibility:hidden">'
    "</iframe></noscript>"
)
# The "spa" layout's only script: after a moment it fetches the JSON
# listing and draws the AG Grid rows (without detail rows), or says there
# are no openings, or that loading failed. It reads the listing's URL from
# the page and builds detail links from its own path, as the real app does.
SPA_SCRIPT = (
    """(function () {
  var columns = """
    + json.dumps([col for col, _ in GRID_COLUMNS])
    + """;
  var labels = """
    + json.dumps([label for _, label in GRID_COLUMNS])
    + """;
  var page = document.querySelector("[data-listing-url]");

  function node(tag, attributes, children) {
    var element = document.createElement(tag);
    Object.keys(attributes).forEach(function (name) {
      element.setAttribute(name, attributes[name]);
    });
    (children || []).forEach(function (child) { element.append(child); });
    return element;
  }

  function text(value) { return value == null ? "" : String(value); }

  function cell(column, index, children) {
    return node("div", {"class": "ag-cell ag-cell-value", role: "gridcell",
      "col-id": column, "aria-colindex": String(index + 1)}, children);
  }

  function titleCell(job) {
    var href = location.pathname + "/" + encodeURIComponent(text(job.id)) +
      "?title=" + encodeURIComponent(text(job.title));
    return cell("title", 0, [node("div", {"class": "flex flex-col"}, [
      node("a", {href: href, "class": "font-semibold text-primary"},
        [text(job.title)]),
      node("span", {"class": "text-xs"},
        [text(job.organization) + " | " + text(job.position)])
    ])]);
  }

  function row(job, index) {
    var cells = columns.map(function (column, position) {
      return position === 0 ? titleCell(job) :
        cell(column, position, [text(job[column])]);
    });
    return node("div", {"class": "ag-row ag-row-level-0", role: "row",
      "row-index": String(index), "row-id": text(job.id)}, cells);
  }

  function grid(jobs) {
    var headers = columns.map(function (column, position) {
      return node("div", {"class": "ag-header-cell", "col-id": column,
        role: "columnheader"}, [labels[position]]);
    });
    var body = node("div", {"class": "ag-body-viewport"}, [
      node("div", {"class": "ag-center-cols-viewport"}, [
        node("div", {"class": "ag-center-cols-container", role: "rowgroup"},
          jobs.map(row))])]);
    var header = node("div", {"class": "ag-header"},
      [node("div", {"class": "ag-header-row", role: "row"}, headers)]);
    return node("div", {"class": "ag-theme-alpine"}, [
      node("div", {"class": "ag-root", role: "treegrid"}, [header, body])]);
  }

  function show(content) {
    page.replaceChildren(node("h1", {"class": "page-title"},
      ["Current Openings"]), content);
  }

  function jobsIn(body) {
    var jobs = Array.isArray(body) ? body : body && (body.data || body.jobs);
    if (!Array.isArray(jobs)) { throw new Error("no listing"); }
    return jobs;
  }

  setTimeout(function () {
    fetch(page.getAttribute("data-listing-url"))
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(function (body) {
        var jobs = jobsIn(body);
        show(jobs.length ? grid(jobs) :
          node("p", {"class": "empty-state"}, ["No positions available"]));
      })
      .catch(function () {
        show(node("p", {"class": "load-error"},
          ["Something went wrong while loading this page."]));
      });
  }, 50);
})();"""
)
NOSCRIPT_NOTICE = (
    "<noscript><strong>We're sorry but this site doesn't work properly "
    "without JavaScript enabled. Please enable it to continue.</strong>"
    "</noscript>"
)


class DriveHRSite(LoopbackServer):
    """DriveHR's public careers pages for one company, on 127.0.0.1."""

    def __init__(
        self,
        *,
        company_id: str = SAMPLE_COMPANY_ID,
        postings: list[dict[str, Any]] | None = None,
        layout: str = "ag-grid",
        expanded: bool = True,
        iframe_mode: str = "srcdoc",
        json_listing: str = "array",
        title_suffix: str | None = ORGANIZATION,
        fail_details: Iterable[str] = (),
        delay_s: float = 0.0,
    ) -> None:
        super().__init__()
        _check_choice("layout", layout, LAYOUTS)
        _check_choice("iframe_mode", iframe_mode, IFRAME_MODES)
        _check_choice("json_listing", json_listing, JSON_LISTING_MODES)

        self.company_id = company_id
        self.postings = sample_postings() if postings is None else postings
        self.layout = layout
        self.expanded = expanded
        self.iframe_mode = iframe_mode
        self.json_listing = json_listing
        self.title_suffix = title_suffix
        self.fail_details = set(fail_details)
        self.delay_s = delay_s
        self._failures: list[tuple[str | None, int]] = []
        self._failures_lock = threading.Lock()

    @property
    def careers_url(self) -> str:
        """The careers page's full URL."""
        return f"{self.base_url}/careers/{self.company_id}/list"

    @property
    def json_listing_url(self) -> str:
        """The runbook's JSON listing URL."""
        return f"{self.base_url}/careers/company/list?id={self.company_id}"

    def detail_url(self, job_id: str) -> str:
        """A posting's detail page, as its link on the careers page reads."""
        return self.base_url + self._detail_path(job_id)

    def set_postings(self, postings: Iterable[dict[str, Any]]) -> None:
        """Replace the postings the next pages show."""
        self.postings = copy.deepcopy(list(postings))

    def queue_failures(self, path_prefix: str | None, *status_codes: int) -> None:
        """Answer the next requests under ``path_prefix`` (or any) with these."""
        with self._failures_lock:
            self._failures.extend((path_prefix, code) for code in status_codes)

    def handle(self, request: RecordedRequest) -> Reply:
        if self.delay_s > 0:
            time.sleep(self.delay_s)

        failure = self._next_failure(request.path)
        if failure is not None:
            return _failure_reply(failure)

        if request.method not in ("GET", "HEAD"):
            return _html_reply(405, _status_page(405))
        return self._route(request)

    def _next_failure(self, path: str) -> int | None:
        with self._failures_lock:
            for index, (prefix, code) in enumerate(self._failures):
                if prefix is None or path.startswith(prefix):
                    del self._failures[index]
                    return code
        return None

    def _route(self, request: RecordedRequest) -> Reply:
        parts = [part for part in request.path.split("/") if part]
        if parts == ["careers", "company", "list"]:
            return self._json_listing(request.query.get("id"))

        if len(parts) < 3 or parts[0] != "careers" or parts[2] != "list":
            return _not_found()
        if parts[1] != self.company_id:
            return _not_found()

        if len(parts) == 3:
            return _html_reply(200, self._careers_page())
        posting = self._find(parts[3])
        if posting is None:
            return _not_found()
        if len(parts) == 4:
            return self._detail_page(posting)
        if len(parts) == 5 and parts[4] == "description":
            return self._description(posting)
        if len(parts) == 5 and parts[4] == "form":
            return _html_reply(200, self._form_page(posting))
        return _not_found()

    def _find(self, job_id: str) -> dict[str, Any] | None:
        for posting in list(self.postings):
            if str(posting.get("id")) == job_id:
                return posting
        return None

    # The JSON listing

    def _json_listing(self, company_id: str | None) -> Reply:
        if company_id != self.company_id or self.json_listing == "missing":
            return _not_found()
        if self.json_listing == "html":
            return _html_reply(200, _error_page())

        # "empty" answers [] whatever the page shows: a listing that disagrees.
        shown = [] if self.json_listing == "empty" else list(self.postings)
        rows = [self._listing_row(posting) for posting in shown]
        body: Any = {"data": rows} if self.json_listing == "wrapped" else rows
        return Reply(200, json.dumps(body).encode(), content_type=JSON_TYPE)

    def _listing_row(self, posting: dict[str, Any]) -> dict[str, Any]:
        row = {name: posting.get(name) for name in LISTING_FIELDS}
        row["title"] = self._shown_title(posting)
        return row

    # The careers page in each layout

    def _careers_page(self) -> str:
        postings = list(self.postings)
        if self.layout == "shell":
            return _app_page("", title="Careers")
        if self.layout == "error":
            return _error_page()
        if self.layout == "element-ui":
            return _app_page(self._collapse_panels(postings))
        if self.layout == "json-ld":
            return self._json_ld_page(postings)
        if self.layout == "app-state":
            return self._app_state_page(postings)
        if self.layout == "ag-grid":
            return _app_page(self._grid(postings))
        if self.layout == "spa":
            return self._spa_shell()
        raise ValueError(f"unknown layout {self.layout!r}")

    def _grid(self, postings: list[dict[str, Any]]) -> str:
        headers = "".join(
            f'<div class="ag-header-cell ag-focus-managed" col-id="{col}" '
            f'role="columnheader"><span class="ag-header-cell-text">{label}'
            "</span></div>"
            for col, label in GRID_COLUMNS
        )
        rows = "".join(
            self._grid_row(index, posting) for index, posting in enumerate(postings)
        )
        details = ""
        if self.expanded:
            details = "".join(
                self._grid_detail_row(index, posting)
                for index, posting in enumerate(postings)
            )
        # AG Grid keeps its no-rows overlay in the page, hidden while rows show.
        overlay_state = ' ag-hidden" aria-hidden="true' if postings else ""

        return (
            '<div class="careers"><h1 class="page-title">Current Openings</h1>'
            '<div class="ag-theme-alpine" style="height: 640px">'
            '<div class="ag-root-wrapper ag-layout-normal ag-ltr">'
            '<div class="ag-root-wrapper-body ag-layout-normal">'
            '<div class="ag-root ag-unselectable ag-layout-normal" role="treegrid">'
            '<div class="ag-header" role="presentation">'
            '<div class="ag-header-container" role="presentation">'
            f'<div class="ag-header-row ag-header-row-column" role="row">{headers}'
            "</div></div></div>"
            '<div class="ag-body-viewport ag-layout-normal" role="presentation">'
            '<div class="ag-pinned-left-cols-container" role="presentation"></div>'
            '<div class="ag-center-cols-viewport" role="presentation">'
            f'<div class="ag-center-cols-container" role="rowgroup">{rows}</div>'
            "</div>"
            f'<div class="ag-full-width-container" role="rowgroup">{details}</div>'
            "</div>"
            f'<div class="ag-overlay{overlay_state}">'
            '<div class="ag-overlay-panel"><div class="ag-overlay-wrapper '
            'ag-layout-normal ag-overlay-no-rows-wrapper">'
            '<span class="ag-overlay-no-rows-center">No positions available</span>'
            "</div></div></div>"
            "</div></div></div></div></div>"
        )

    def _spa_shell(self) -> str:
        # Only the shell: the script draws the postings once it has them.
        listing = html.escape(f"/careers/company/list?id={self.company_id}")
        content = (
            f'<div class="careers" data-listing-url="{listing}">'
            '<div class="loading" aria-busy="true"></div></div>'
        )
        return _app_page(content, body_end=f"<script>{SPA_SCRIPT}</script>")

    def _grid_row(self, index: int, posting: dict[str, Any]) -> str:
        job_id = html.escape(str(posting.get("id")))
        parity = "even" if index % 2 == 0 else "odd"
        expanded = " ag-row-group-expanded" if self.expanded else ""
        cells = [self._title_cell(posting)]
        for position, (col, _) in enumerate(GRID_COLUMNS[1:], start=2):
            value = _text(posting.get(col))
            cells.append(
                f'<div class="ag-cell ag-cell-not-inline-editing ag-cell-value" '
                f'role="gridcell" col-id="{col}" aria-colindex="{position}">'
                f"{value}</div>"
            )
        return (
            f'<div class="ag-row ag-row-{parity} ag-row-level-0 ag-row-group'
            f'{expanded}" role="row" row-index="{index}" row-id="{job_id}" '
            f'aria-rowindex="{index + 2}" '
            f'style="transform: translateY({index * 42}px);">'
            f"{''.join(cells)}</div>"
        )

    def _title_cell(self, posting: dict[str, Any]) -> str:
        href = html.escape(self._detail_path(str(posting.get("id")), posting))
        organization = _text(posting.get("organization"))
        position = _text(posting.get("position"))
        return (
            '<div class="ag-cell ag-cell-value" role="gridcell" col-id="title" '
            'aria-colindex="1"><span class="ag-cell-wrapper">'
            '<span class="ag-group-contracted ag-hidden"></span>'
            '<span class="ag-cell-value"><div class="flex flex-col">'
            f'<a href="{href}" class="font-semibold text-primary">'
            f"{_text(self._shown_title(posting))}</a>"
            f'<span class="text-xs">{organization} | {position}</span>'
            "</div></span></span></div>"
        )

    def _grid_detail_row(self, index: int, posting: dict[str, Any]) -> str:
        job_id = html.escape(str(posting.get("id")))
        return (
            '<div class="ag-row ag-full-width-row ag-row-level-1 ag-row-position-'
            f'absolute" role="row" row-index="detail_{index}" '
            f'row-id="detail_{job_id}"><div class="ag-details-row">'
            f'<div class="job-description">{self._description_iframe(posting)}'
            "</div></div></div>"
        )

    def _collapse_panels(self, postings: list[dict[str, Any]]) -> str:
        if not postings:
            return (
                '<div class="careers"><p class="empty-state">'
                "We don't have any open positions at this time.</p></div>"
            )
        items = "".join(self._collapse_item(posting) for posting in postings)
        return (
            '<div class="careers"><div class="el-collapse" role="tablist" '
            f'aria-multiselectable="true">{items}</div></div>'
        )

    def _collapse_item(self, posting: dict[str, Any]) -> str:
        # Element UI numbers its panels afresh on every render.
        number = random.randrange(1000, 9999)
        href = html.escape(self._detail_path(str(posting.get("id")), posting))
        active = " is-active" if self.expanded else ""
        hidden = "" if self.expanded else ' style="display: none;"'
        lines = "".join(
            f"<div>{_text(posting.get(name))}</div>"
            for name in ("location", "openedOn", "workType", "payType")
        )
        iframe = self._description_iframe(posting) if self.expanded else ""
        return (
            f'<div class="el-collapse-item{active}">'
            f'<div role="tab" aria-expanded="{str(self.expanded).lower()}" '
            f'aria-controls="el-collapse-content-{number}">'
            f'<div role="button" id="el-collapse-head-{number}" tabindex="0" '
            f'class="el-collapse-item__header{active}">'
            f'<a href="{href}" class="list-title-link">'
            f"{_text(self._shown_title(posting))}</a>"
            '<i class="el-collapse-item__arrow el-icon-arrow-right"></i>'
            "</div></div>"
            f'<div role="tabpanel" id="el-collapse-content-{number}" '
            f'class="el-collapse-item__wrap"{hidden}>'
            f'<div class="el-collapse-item__content">{lines}{iframe}</div>'
            "</div></div>"
        )

    def _json_ld_page(self, postings: list[dict[str, Any]]) -> str:
        graph = {
            "@context": "https://schema.org",
            "@graph": [self._job_posting(posting) for posting in postings],
        }
        script = f'<script type="application/ld+json">{_script_json(graph)}</script>'
        content = "" if postings else '<p class="empty-state">No current openings</p>'
        return _app_page(content, head=script)

    def _job_posting(self, posting: dict[str, Any]) -> dict[str, Any]:
        job_id = str(posting.get("id"))
        city, _, region = str(posting.get("location") or "").partition(",")
        document: dict[str, Any] = {
            "@type": "JobPosting",
            "title": self._shown_title(posting),
            "description": posting.get("description") or "",
            "identifier": {
                "@type": "PropertyValue",
                "name": posting.get("organization") or ORGANIZATION,
                "value": job_id,
            },
            "url": self.detail_url(job_id),
            "datePosted": _iso_date(posting.get("openedOn")),
            "employmentType": _schema_employment(posting.get("workType")),
            "hiringOrganization": {
                "@type": "Organization",
                "name": posting.get("organization") or ORGANIZATION,
            },
            "jobLocation": {
                "@type": "Place",
                "address": {
                    "@type": "PostalAddress",
                    "addressLocality": city.strip(),
                    "addressRegion": region.strip(),
                    "addressCountry": "CA",
                },
            },
        }
        salary = _base_salary(posting.get("payRate"), posting.get("payType"))
        if salary is not None:
            document["baseSalary"] = salary
        return document

    def _app_state_page(self, postings: list[dict[str, Any]]) -> str:
        state = {
            "company": {"id": self.company_id, "name": ORGANIZATION},
            "jobs": [self._listing_row(posting) for posting in postings],
            "loading": False,
        }
        script = f"<script>window.__INITIAL_STATE__ = {_script_json(state)};</script>"
        content = (
            "" if postings else '<p class="empty-state">No positions available</p>'
        )
        return _app_page(content, body_end=script)

    # Detail page, description document and form

    def _detail_page(self, posting: dict[str, Any]) -> Reply:
        if str(posting.get("id")) in self.fail_details:
            return _html_reply(500, _status_page(500))

        title = _text(self._shown_title(posting))
        meta = "".join(
            f'<span class="job-{name.lower()}">{_text(posting.get(name))}</span>'
            for name in ("location", "openedOn", "workType", "payRate", "payType")
        )
        form = html.escape(self._detail_path(str(posting.get("id"))) + "/form")
        back = html.escape(f"/careers/{self.company_id}/list")
        page = (
            '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            f"<title>{title} | Careers</title></head><body>{TAG_MANAGER}"
            f'<div id="app"><div class="job-detail">'
            f'<a class="back-link" href="{back}">Back to all jobs</a>'
            f'<h1 class="job-title">{title}</h1>'
            f'<div class="job-meta">{meta}</div>'
            f'<div class="job-description">{self._description_iframe(posting)}'
            f'</div><a class="apply-button" href="{form}">Apply Now</a>'
            "</div></div></body></html>"
        )
        return _html_reply(200, page)

    def _description(self, posting: dict[str, Any]) -> Reply:
        if str(posting.get("id")) in self.fail_details:
            return _html_reply(500, _status_page(500))
        return _html_reply(200, _description_document(posting))

    def _form_page(self, posting: dict[str, Any]) -> str:
        title = _text(self._shown_title(posting))
        return (
            '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            f"<title>Apply: {title}</title></head><body>"
            f'<div id="app"><h1>Apply for {title}</h1>'
            '<form method="post" enctype="multipart/form-data">'
            '<label>Full name <input name="name" required></label>'
            '<label>Email <input type="email" name="email" required></label>'
            '<label>Resume <input type="file" name="resume"></label>'
            '<button type="submit">Submit application</button>'
            "</form></div></body></html>"
        )

    def _description_iframe(self, posting: dict[str, Any]) -> str:
        style = 'frameborder="0" style="width: 100%; min-height: 400px;"'
        if self.iframe_mode == "src":
            src = html.escape(self._detail_path(str(posting.get("id"))))
            return f'<iframe src="{src}/description" {style}></iframe>'
        document = html.escape(_description_document(posting), quote=True)
        return f'<iframe srcdoc="{document}" {style}></iframe>'

    def _detail_path(self, job_id: str, posting: dict[str, Any] | None = None) -> str:
        path = f"/careers/{self.company_id}/list/{quote(job_id, safe='')}"
        if posting is not None and posting.get("title"):
            path += f"?title={quote(str(posting['title']), safe='')}"
        return path

    def _shown_title(self, posting: dict[str, Any]) -> str:
        title = str(posting.get("title") or "")
        if self.title_suffix and title:
            return f"{title}, {self.title_suffix}"
        return title


def _check_choice(name: str, value: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(choices)}; got {value!r}")


def _text(value: Any) -> str:
    return "" if value is None else html.escape(str(value))


def _script_json(value: Any) -> str:
    # A literal "</" would end the script element early.
    return json.dumps(value).replace("</", "<\\/")


def _app_page(
    content: str,
    *,
    title: str = "Careers | Acme Motors",
    head: str = "",
    body_end: str = "",
) -> str:
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f'<title>{title}</title><link href="/css/app.css" rel="stylesheet">'
        f"{head}</head><body>{NOSCRIPT_NOTICE}"
        f'<div id="app">{content}</div>{body_end}'
        '<script src="/js/chunk-vendors.js"></script>'
        '<script src="/js/app.js"></script></body></html>'
    )


def _error_page() -> str:
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<title>Error</title></head><body><div class="error-page">'
        "<h1>Oops! Something went wrong.</h1>"
        "<p>We could not load this page. Please try again later.</p>"
        "</div></body></html>"
    )


def _status_page(code: int) -> str:
    phrase = HTTPStatus(code).phrase
    return (
        f"<!DOCTYPE html><html><head><title>{code} {phrase}</title></head>"
        f"<body><h1>{code} {phrase}</h1></body></html>"
    )


def _description_document(posting: dict[str, Any]) -> str:
    return (
        '<html><head><meta charset="utf-8">'
        "<style>body { font-family: Arial, sans-serif; }</style></head>"
        f"<body>{posting.get('description') or ''}</body></html>"
    )


def _html_reply(status: int, page: str) -> Reply:
    return Reply(status, page.encode(), content_type=HTML_TYPE)


def _not_found() -> Reply:
    return _html_reply(404, _status_page(404))


def _failure_reply(code: int) -> Reply:
    reply = _html_reply(code, _status_page(code))
    if code == 429:
        reply.headers["Retry-After"] = "1"
    return reply


def _iso_date(value: Any) -> str | None:
    match = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", str(value or "").strip())
    if match is None:
        return None
    month, day, year = match.groups()
    return f"{year}-{int(month):02d}-{int(day):02d}"


def _schema_employment(work_type: Any) -> str | None:
    names = {
        "full-time": "FULL_TIME",
        "part-time": "PART_TIME",
        "contract": "CONTRACTOR",
        "temporary": "TEMPORARY",
    }
    return names.get(str(work_type or "").strip().lower())


def _base_salary(pay_rate: Any, pay_type: Any) -> dict[str, Any] | None:
    amounts = [
        float(number.replace(",", ""))
        for number in re.findall(r"\d[\d,]*(?:\.\d+)?", str(pay_rate or ""))
    ]
    if not amounts:
        return None

    unit = "HOUR" if "hour" in str(pay_type or "").lower() else "YEAR"
    value: dict[str, Any] = {"@type": "QuantitativeValue", "unitText": unit}
    if len(amounts) == 1:
        value["value"] = amounts[0]
    else:
        value["minValue"], value["maxValue"] = min(amounts), max(amounts)
    return {"@type": "MonetaryAmount", "currency": "CAD", "value": value}
