"""Postings described as JSON: listing items, app state, schema.org JobPosting.

DriveHR's field names are undocumented, so keys are compared without case,
underscores or dashes, and the usual variants of each field are accepted.
"""

from __future__ import annotations

import html as html_lib
import json
import re
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import urljoin

from drivehr_sync.models import RawPosting

__all__ = [
    "assigned_states",
    "collapse_whitespace",
    "job_postings",
    "largest_posting_list",
    "listing_array",
    "load_json",
    "posting_from_json_ld",
    "posting_from_record",
    "unique",
]

# Keys under which a wrapper object holds its list of postings.
LISTING_KEYS = (
    "jobs",
    "data",
    "results",
    "items",
    "postings",
    "jobPostings",
    "positions",
    "openings",
    "records",
    "rows",
    "list",
    "content",
)
TITLE_KEYS = ("title", "jobtitle", "positiontitle", "postingtitle")
# Keys that make an object with an id and a "name" look like a posting.
POSTING_HINTS = (
    "location",
    "openedon",
    "worktype",
    "payrate",
    "paytype",
    "dateposted",
    "posteddate",
    "employmenttype",
    "department",
    "organization",
)
# Old pages wrap script content in HTML comments or CDATA markers.
_COMMENT_WRAPPER = re.compile(
    r"^\s*(?://\s*)?(?:<!--|<!\[CDATA\[)|(?://\s*)?(?:-->|\]\]>)\s*$"
)
STATE_ASSIGNMENT = re.compile(
    r"(?:\bwindow\.|\bself\.|\bglobalThis\.|\bvar\s+|\blet\s+|\bconst\s+)?"
    r"(__[A-Za-z0-9_]+__|[A-Za-z_$][\w$]*[Ss]tate)\s*=\s*"
)


def job_postings(document: Any) -> Iterator[dict[str, Any]]:
    """Every schema.org JobPosting in a JSON-LD document, in document order."""
    stack = [document]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(reversed(node))
        elif isinstance(node, dict):
            kinds = node.get("@type")
            kinds = kinds if isinstance(kinds, list) else [kinds]
            if any(_is_job_posting_type(kind) for kind in kinds):
                yield node
            else:
                stack.extend(reversed(list(node.values())))


def _is_job_posting_type(kind: Any) -> bool:
    # "JobPosting", "schema:JobPosting" and "https://schema.org/JobPosting".
    return isinstance(kind, str) and re.split(r"[/:#]", kind)[-1] == "JobPosting"


def posting_from_json_ld(item: dict[str, Any], page_url: str) -> RawPosting:
    """A JobPosting object as a raw posting; ``validThrough`` is ignored."""
    url = _scalar(item.get("url"))
    description = _scalar(item.get("description"))
    if description and "<" not in description and "&lt;" in description:
        description = html_lib.unescape(description)

    return RawPosting(
        job_id=_identifier(item.get("identifier")),
        title=_scalar(item.get("title")) or _scalar(item.get("name")),
        detail_url=urljoin(page_url, url) if url else None,
        organization=_name_of(item.get("hiringOrganization")),
        location=_json_ld_location(item.get("jobLocation"), item),
        posted=_scalar(item.get("datePosted")),
        work_type=_scalar(item.get("employmentType")),
        pay_rate=_salary_amount(item.get("baseSalary")),
        pay_type=_salary_unit(item.get("baseSalary")),
        description_html=description,
    )


def _identifier(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("value", value.get("@value"))
    return _scalar(value)


def _name_of(value: Any) -> str | None:
    if isinstance(value, dict):
        return _scalar(value.get("name"))
    return _scalar(value)


def _json_ld_location(value: Any, item: dict[str, Any]) -> str | None:
    places = value if isinstance(value, list) else [value]
    names = []
    for place in places:
        address = place.get("address") if isinstance(place, dict) else place
        if isinstance(address, dict):
            parts = (
                _scalar(address.get("addressLocality")),
                _scalar(address.get("addressRegion")),
            )
            names.append(", ".join(part for part in parts if part))
        elif isinstance(place, dict):
            names.append(_scalar(address) or _scalar(place.get("name")) or "")
        else:
            names.append(_scalar(place) or "")

    location = "; ".join(unique(name for name in names if name))
    if not location and item.get("jobLocationType") == "TELECOMMUTE":
        return "Remote"
    return location or None


_UNITS = {
    "HOUR": "Hourly",
    "DAY": "Daily",
    "WEEK": "Weekly",
    "MONTH": "Monthly",
    "YEAR": "Yearly",
}


def _salary_amount(value: Any) -> str | None:
    if not isinstance(value, dict):
        return _scalar(value)
    amount = value.get("value")
    symbol = "$" if value.get("currency") in (None, "USD", "CAD") else ""
    if isinstance(amount, dict):
        low = amount.get("minValue", amount.get("value"))
        high = amount.get("maxValue")
        parts = [_money(part, symbol) for part in (low, high) if part is not None]
        return " - ".join(unique(part for part in parts if part)) or None
    return _money(amount, symbol)


def _salary_unit(value: Any) -> str | None:
    if not isinstance(value, dict):
        return None
    amount = value.get("value")
    unit = amount.get("unitText") if isinstance(amount, dict) else None
    unit = unit or value.get("unitText")
    if not isinstance(unit, str):
        return None
    return _UNITS.get(unit.strip().upper(), unit.strip() or None)


def _money(value: Any, symbol: str) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        if float(value).is_integer() and value >= 1000:
            return f"{symbol}{int(value):,}"
        return f"{symbol}{value:,.2f}"
    return _scalar(value)


def assigned_states(script: str) -> Iterator[Any]:
    """JSON values assigned to state globals, e.g. ``window.__NUXT__ = {...}``."""
    decoder = json.JSONDecoder()
    for match in STATE_ASSIGNMENT.finditer(script):
        start = match.end()
        try:
            value, _ = decoder.raw_decode(script, start)
        except ValueError:
            value = _json_parse_call(script, start, decoder)
        if value is not None:
            yield value


def _json_parse_call(script: str, start: int, decoder: json.JSONDecoder) -> Any:
    """The value of ``JSON.parse("...")`` with a double-quoted literal."""
    prefix = "JSON.parse("
    if not script.startswith(prefix, start):
        return None
    try:
        literal, _ = decoder.raw_decode(script, start + len(prefix))
    except ValueError:
        return None
    return load_json(literal) if isinstance(literal, str) else None


def largest_posting_list(state: Any) -> list[dict[str, Any]]:
    """The longest list of posting-like objects anywhere in ``state``."""
    best: list[dict[str, Any]] = []
    stack = [state]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            if node and all(_looks_like_posting(item) for item in node):
                if len(node) > len(best):
                    best = node
                continue
            stack.extend(node)
    return best


def _looks_like_posting(item: Any) -> bool:
    if not isinstance(item, dict):
        return False
    keys = {_key(name) for name in item}
    has_id = bool(keys & {"id", "jobid", "uuid", "postingid"})
    has_title = bool(keys & set(TITLE_KEYS)) or (
        "name" in keys and bool(keys & set(POSTING_HINTS))
    )
    return has_id and has_title


def listing_array(data: object) -> tuple[list[Any] | None, str]:
    """The listing's array and where it was, or None and why not."""
    if data is None:
        return None, "the JSON listing is null"
    if isinstance(data, list):
        return data, "array"
    if isinstance(data, str):
        return None, "the JSON listing is text, not a JSON array or object"
    if not isinstance(data, dict):
        return None, f"the JSON listing is a {type(data).__name__}, not an array"

    if data.get("error") or data.get("success") is False:
        return None, "the JSON listing reports an error"
    for key in LISTING_KEYS:
        value = data.get(key)
        if isinstance(value, list):
            return value, f"field {key!r}"
        if isinstance(value, dict):
            for inner in LISTING_KEYS:
                if isinstance(value.get(inner), list):
                    return value[inner], f"field {key}.{inner}"
    keys = ", ".join(sorted(map(str, data))[:8]) or "none"
    return None, f"the JSON listing is an object without a list of jobs (keys: {keys})"


def posting_from_record(record: dict[str, Any], page_url: str) -> RawPosting:
    fields = {_key(name): value for name, value in record.items()}

    def first(*names: str) -> str | None:
        for name in names:
            value = _scalar(fields.get(name))
            if value:
                return value
        return None

    detail = first("detailurl", "url", "link", "href", "joburl", "postingurl")
    apply = first("applyurl", "applicationurl", "applylink")
    description_url = first("descriptionurl")
    return RawPosting(
        job_id=first("id", "jobid", "uuid", "postingid"),
        title=first(*TITLE_KEYS, "name"),
        detail_url=urljoin(page_url, detail) if detail else None,
        organization=_name_of(
            fields.get("organization")
            or fields.get("organizationname")
            or fields.get("company")
            or fields.get("companyname")
            or fields.get("department")
        ),
        position=first("position", "category"),
        location=_record_location(fields),
        posted=first(
            "openedon",
            "posteddate",
            "dateposted",
            "createdat",
            "created",
            "publishedat",
            "publisheddate",
            "opendate",
        ),
        work_type=first("worktype", "employmenttype", "type", "jobtype"),
        pay_rate=first("payrate", "pay", "rate", "wage"),
        pay_type=first("paytype", "payfrequency", "payperiod"),
        salary_range=first("salaryrange", "salary", "compensation"),
        apply_url=urljoin(page_url, apply) if apply else None,
        summary=first("summary", "excerpt", "shortdescription"),
        description_html=first("descriptionhtml", "description", "body", "details"),
        description_url=urljoin(page_url, description_url) if description_url else None,
    )


def _record_location(fields: dict[str, Any]) -> str | None:
    location = fields.get("location")
    if isinstance(location, dict):
        location = {_key(name): value for name, value in location.items()}
        return _record_location(location) or _scalar(location.get("name"))
    if _scalar(location):
        return _scalar(location)

    parts = (
        _scalar(fields.get("city")),
        _scalar(fields.get("state") or fields.get("province") or fields.get("region")),
    )
    return ", ".join(part for part in parts if part) or None


def _key(name: Any) -> str:
    return re.sub(r"[\s_\-]", "", str(name)).lower()


def _scalar(value: Any) -> str | None:
    """A JSON value as text; lists of texts are joined, objects ignored."""
    if value is None or isinstance(value, (bool, dict)):
        return None
    if isinstance(value, list):
        texts = [_scalar(item) for item in value]
        return ", ".join(text for text in texts if text) or None
    return collapse_whitespace(str(value)) or None


def load_json(text: str) -> Any:
    """Parsed JSON, or None; raw newlines inside strings are tolerated."""
    cleaned = _COMMENT_WRAPPER.sub("", text).strip().rstrip(";")
    try:
        return json.loads(cleaned, strict=False)
    except (ValueError, RecursionError):
        return None


def collapse_whitespace(text: str) -> str:
    """``text`` with every run of whitespace made one space, and trimmed."""
    return " ".join(text.split())


def unique(values: Iterable[str]) -> list[str]:
    """``values`` without repeats, in their first order."""
    return list(dict.fromkeys(values))
