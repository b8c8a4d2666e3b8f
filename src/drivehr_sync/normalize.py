"""Turn raw postings into the jobs the WordPress plugin receives."""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

import nh3
from bs4 import BeautifulSoup, Tag
from pydantic import ValidationError

from drivehr_sync.logs import get_logger
from drivehr_sync.models import ID_PREFIX, Posting, RawPosting

__all__ = [
    "NormalizeOptions",
    "NormalizedBatch",
    "canonical_work_type",
    "job_id_from_url",
    "normalize_listing",
    "normalize_posting",
    "posted_date_iso",
    "raw_job_id",
    "sanitize_description",
    "summarize",
]

log = get_logger(__name__)

SUMMARY_LIMIT = 300
ELLIPSIS = "\u2026"

# What a job ad needs; everything else is unwrapped to its text.
DESCRIPTION_TAGS = {
    "p",
    "br",
    "ul",
    "ol",
    "li",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "a",
}
# Removed together with their content, not unwrapped.
DISCARDED_TAGS = {
    "script",
    "style",
    "title",
    "xml",
    "noscript",
    "template",
    "textarea",
    "select",
    "button",
    "svg",
    "math",
    "object",
    "iframe",
}
BLOCK_TAGS = ("p", "ul", "ol", "li", "h2", "h3", "h4", "h5", "h6", "blockquote")
INLINE_TAGS = ("strong", "b", "em", "i", "u", "a")
# Tables (common in Word) are flattened: one paragraph per row.
TABLE_TAGS = ("table", "thead", "tbody", "tfoot", "tr", "td", "th")

_FIRST_PASS = nh3.Cleaner(
    tags=DESCRIPTION_TAGS | {"div", "h1", *TABLE_TAGS},
    clean_content_tags=DISCARDED_TAGS,
    attributes={"a": {"href", "title"}},
    url_schemes={"http", "https", "mailto"},
    link_rel=None,
)
_FINAL_PASS = nh3.Cleaner(
    tags=DESCRIPTION_TAGS,
    clean_content_tags=DISCARDED_TAGS,
    attributes={"a": {"href", "title"}},
    url_schemes={"http", "https", "mailto"},
)

_WHITESPACE = re.compile(r"[\s\u00a0]+")
_BLOCK_NAMES = "|".join(BLOCK_TAGS)
_SPACE_AROUND_BLOCK = re.compile(rf"\s*(</?(?:{_BLOCK_NAMES})>|<br>)\s*")
_BREAK_AFTER = re.compile(rf"(</(?:{_BLOCK_NAMES})>|<(?:ul|ol|blockquote)>)(?=<)")
_LIST_SEGMENT = re.compile(r"/list/([^/?#]+)")
_TAG = re.compile(r"<[^>]*>")


@dataclass(frozen=True, slots=True)
class NormalizeOptions:
    """What normalization needs to know about the company and the clock."""

    base_url: str
    company_id: str
    title_suffixes: tuple[str, ...] = ()
    now: datetime | None = None


@dataclass(slots=True)
class NormalizedBatch:
    """The postings of one listing, with what went wrong on the way."""

    postings: list[Posting] = field(default_factory=list)
    duplicates: int = 0
    invalid: list[str] = field(default_factory=list)
    missing_fields: int = 0


def normalize_listing(
    raws: Iterable[RawPosting], options: NormalizeOptions
) -> NormalizedBatch:
    """Normalize every raw posting, keeping the first of each id."""
    batch = NormalizedBatch()
    seen: set[str] = set()

    for raw in raws:
        if not raw_job_id(raw) or not _clean_text(raw.title):
            batch.missing_fields += 1
        try:
            posting = normalize_posting(raw, options)
        except ValueError as exc:
            batch.invalid.append(str(exc))
            continue

        if posting.id in seen:
            batch.duplicates += 1
            continue
        seen.add(posting.id)
        batch.postings.append(posting)

    log.debug(
        "normalize.listing",
        postings=len(batch.postings),
        duplicates=batch.duplicates,
        invalid=len(batch.invalid),
        missing_fields=batch.missing_fields,
    )
    return batch


def normalize_posting(raw: RawPosting, options: NormalizeOptions) -> Posting:
    """One raw posting as a plugin job; ``ValueError`` says why it cannot be."""
    job_id = raw_job_id(raw)
    title = _clean_text(raw.title)
    if not job_id:
        name = f"{title!r}" if title else "without a title"
        raise ValueError(f"posting {name} has no DriveHR job id")
    if not title:
        raise ValueError(f"posting {job_id!r} has no title")

    organization = _collapse(raw.organization)
    source_url = _source_url(raw.detail_url, job_id, options)
    description = _description(raw.description_html)
    pay_rate = _collapse(raw.pay_rate)
    pay_type = _collapse(raw.pay_type)
    now = options.now or datetime.now(UTC)

    fields = {
        "id": ID_PREFIX + job_id,
        "title": _strip_suffixes(title, organization, options.title_suffixes),
        "department": organization,
        "location": _collapse(raw.location),
        "type": canonical_work_type(raw.work_type or "") or None,
        "posted_date": posted_date_iso(raw.posted or "", now),
        "apply_url": source_url + "/form",
        "source_url": source_url,
        "description": description,
        "summary": _summary(raw.summary, description),
        "pay_rate": pay_rate,
        "pay_type": pay_type,
        "salary_range": _salary_range(raw.salary_range, pay_rate, pay_type),
    }
    try:
        return Posting.model_validate(fields)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(map(str, error['loc']))} {error['msg']}"
            for error in exc.errors()
        )
        raise ValueError(f"posting {job_id!r} is not valid: {problems}") from exc


def sanitize_description(html: str) -> str:
    """A job description reduced to tidy, safe HTML for a WordPress post."""
    if not html or not html.strip():
        return ""

    cleaned = _FIRST_PASS.clean(html)
    restructured = _restructure(cleaned)
    final = _FINAL_PASS.clean(restructured)
    return _tidy_whitespace(final)


def summarize(html: str, limit: int = SUMMARY_LIMIT) -> str:
    """Plain text of ``html``, cut at a word boundary to ``limit`` characters."""
    text = _plain_text(html)
    if len(text) <= limit:
        return text

    room = max(limit - len(ELLIPSIS), 1)
    cut = text[:room]
    ends_on_word = text[room] == " "
    if not ends_on_word and " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:-\u2013\u2014") + ELLIPSIS


_WORK_TYPES = {
    "full time": "Full-time",
    "fulltime": "Full-time",
    "ft": "Full-time",
    "part time": "Part-time",
    "parttime": "Part-time",
    "pt": "Part-time",
    "contract": "Contract",
    "contractor": "Contract",
    "contract to hire": "Contract",
    "temporary": "Temporary",
    "temp": "Temporary",
    "intern": "Internship",
    "internship": "Internship",
    "seasonal": "Seasonal",
    "per diem": "Per diem",
    "perdiem": "Per diem",
    "prn": "Per diem",
}


def canonical_work_type(text: str) -> str:
    """A work type in one spelling: ``FULL_TIME`` becomes ``Full-time``."""
    parts = re.split(r"\s*[,/;]\s*", _collapse(text) or "")
    names = [_canonical_part(part) for part in parts if part]
    return ", ".join(dict.fromkeys(name for name in names if name))


def _canonical_part(part: str) -> str:
    key = re.sub(r"[\s_\-]+", " ", part).strip().lower()
    if key in _WORK_TYPES:
        return _WORK_TYPES[key]

    # Mixed case was chosen by someone; keep it. Shouting or all-lower
    # text is title-cased word by word.
    if part != part.upper() and part != part.lower():
        return part
    words = re.sub(r"_+", " ", part).split()
    return " ".join(word[:1].upper() + word[1:].lower() for word in words)


_DATE_FORMATS = (
    "%m/%d/%Y",
    "%m/%d/%y",
    "%m-%d-%Y",
    "%B %d, %Y",
    "%b %d, %Y",
    "%d %B %Y",
    "%d %b %Y",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y %H:%M",
)


def posted_date_iso(text: str, now: datetime) -> str | None:
    """The date as ``YYYY-MM-DDTHH:MM:SSZ`` in UTC, never later than ``now``."""
    moment = _parse_moment((text or "").strip())
    if moment is None:
        return None

    # A future date would make WordPress schedule the post instead of
    # publishing it.
    moment = min(moment, now.astimezone(UTC))
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_moment(text: str) -> datetime | None:
    if not text:
        return None

    if re.fullmatch(r"\d{10}(\d{3})?", text):
        seconds = int(text) / (1000 if len(text) == 13 else 1)
        return datetime.fromtimestamp(int(seconds), UTC)

    iso = text[:-1] + "+00:00" if text[-1:] in "Zz" else text
    parsed: datetime | None
    try:
        parsed = datetime.fromisoformat(iso)
    except ValueError:
        parsed = _parse_with_formats(text)
    if parsed is None:
        return None

    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC).replace(microsecond=0)


def _parse_with_formats(text: str) -> datetime | None:
    collapsed = " ".join(text.split())
    for form in _DATE_FORMATS:
        try:
            return datetime.strptime(collapsed, form)
        except ValueError:
            continue
    return None


def job_id_from_url(url: str) -> str | None:
    """DriveHR's job id in a ``.../list/{jobId}`` link, if there is one."""
    if not url:
        return None
    match = _LIST_SEGMENT.search(urlsplit(url.strip()).path)
    if not match:
        return None
    job_id = unquote(match.group(1)).strip()
    return job_id or None


def raw_job_id(raw: RawPosting) -> str | None:
    """DriveHR's job id for a raw posting: its own, else its link's."""
    return _collapse(raw.job_id) or job_id_from_url(raw.detail_url or "")


def _collapse(text: str | None) -> str | None:
    if text is None:
        return None
    collapsed = _WHITESPACE.sub(" ", str(text)).strip()
    return collapsed or None


def _clean_text(text: str | None) -> str | None:
    """Tags stripped, entities decoded, whitespace collapsed."""
    if not text:
        return None
    without_tags = _TAG.sub(" ", text) if "<" in text else text
    return _collapse(html_lib.unescape(without_tags))


def _strip_suffixes(
    title: str, organization: str | None, suffixes: tuple[str, ...]
) -> str:
    names = [name for name in (organization, *suffixes) if name and name.strip()]
    changed = True
    while changed:
        changed = False
        for name in names:
            pattern = rf"\s*(?:,|\s[-\u2013\u2014])\s*{re.escape(name.strip())}\s*$"
            shorter = re.sub(pattern, "", title, flags=re.IGNORECASE).strip()
            if shorter and shorter != title:
                title, changed = shorter, True
    return title


def _source_url(detail_url: str | None, job_id: str, options: NormalizeOptions) -> str:
    """The detail page up to its job id; built when the link is not one."""
    base = options.base_url.rstrip("/")
    built = f"{base}/careers/{options.company_id}/list/{job_id}"
    if not detail_url or not detail_url.strip():
        return built

    # applyUrl is derived from this URL, so it must end at the job id:
    # a listing page, a '/form' link or another site's page would not do.
    parts = urlsplit(urljoin(base + "/", detail_url.strip()))
    match = _LIST_SEGMENT.search(parts.path)
    if parts.scheme not in ("http", "https") or not parts.netloc or not match:
        return built
    if unquote(match.group(1)).strip() != job_id:
        return built
    return urlunsplit((parts.scheme, parts.netloc, parts.path[: match.end()], "", ""))


def _description(html: str | None) -> str | None:
    if not html:
        return None
    return sanitize_description(html) or None


def _summary(summary: str | None, description: str | None) -> str | None:
    if summary and summary.strip():
        return summarize(summary) or None
    if description:
        return summarize(description) or None
    return None


def _salary_range(
    salary_range: str | None, pay_rate: str | None, pay_type: str | None
) -> str | None:
    given = _collapse(salary_range)
    if given:
        return given
    if pay_rate and pay_type:
        return f"{pay_rate} {pay_type}"
    return pay_rate


def _restructure(html: str) -> str:
    """Divs and table rows become paragraphs, h1 becomes h2, empties go."""
    soup = BeautifulSoup(html, "html.parser")

    for cell in soup.find_all(["td", "th"]):
        cell.append(" ")
        cell.unwrap()
    for container in reversed(soup.find_all(["div", "tr"])):
        has_blocks = container.find(["div", "tr", "h1", *BLOCK_TAGS]) is not None
        if has_blocks:
            container.unwrap()
        else:
            container.name = "p"
    for table_part in soup.find_all(["table", "thead", "tbody", "tfoot"]):
        table_part.unwrap()
    for heading in soup.find_all("h1"):
        heading.name = "h2"
    for link in soup.find_all("a"):
        if not link.get("href"):
            link.unwrap()

    for element in reversed(soup.find_all([*BLOCK_TAGS, *INLINE_TAGS])):
        if _is_empty(element):
            if element.name in INLINE_TAGS:
                element.unwrap()
            else:
                element.decompose()
    return str(soup)


def _is_empty(element: Tag) -> bool:
    if element.find(["br"]) is not None and element.name not in BLOCK_TAGS:
        return False
    return not _WHITESPACE.sub("", element.get_text())


def _tidy_whitespace(html: str) -> str:
    text = html.replace("&nbsp;", " ")
    text = _WHITESPACE.sub(" ", text)
    text = _SPACE_AROUND_BLOCK.sub(r"\1", text)
    text = re.sub(r"(?:<br>)+(?=</(?:p|li|h[2-6]|blockquote)>)", "", text)
    text = re.sub(r"(<(?:p|li)>)(?:<br>)+", r"\1", text)
    text = re.sub(r"<p></p>", "", text)
    return _BREAK_AFTER.sub("\\1\n", text).strip()


_TEXT_BREAKS = (
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "tr",
    "td",
    "th",
    "blockquote",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "section",
    "article",
)


def _plain_text(html: str) -> str:
    if not html:
        return ""
    if "<" not in html and "&" not in html:
        return _collapse(html) or ""

    soup = BeautifulSoup(html, "lxml")
    for element in soup.find_all(["script", "style", "template", "noscript"]):
        element.decompose()
    for element in soup.find_all(_TEXT_BREAKS):
        element.insert_before(" ")
        element.insert_after(" ")
    return _collapse(soup.get_text()) or ""
