"""A stand-in for the WordPress site and its receiving plugin, on loopback.

It follows CONTRACTS.md section 2 step by step, in the plugin's order, and
can reproduce what goes wrong in the field: the PHP 8 fatal error that writes
posts but never deletes, and transient 5xx/429 answers for retry tests.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import html
import json
import math
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from typing import Any
from urllib.parse import urlsplit

import nh3

from .loopback import LoopbackServer, RecordedRequest, Reply

__all__ = ["REST_PATH", "WEBHOOK_PATH", "WordPressSite"]

WEBHOOK_PATH = "/webhook/drivehr-sync"
REST_PATH = "/wp-json/wp/v2/drivehr-jobs"
TIMESTAMP_TOLERANCE_S = 300
RATE_LIMIT_RETRY_AFTER_S = 60
FIRST_POST_ID = 101
SOURCE = "drivehr-netlify-sync"
HTML_TYPE = "text/html; charset=UTF-8"

# PHP's is_numeric(): optional sign, decimals, exponent, surrounding blanks.
PHP_NUMERIC = re.compile(r"\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*")
TAG = re.compile(r"<[^>]*>")
BLANKS = re.compile(r"\s+")
LOOSE_DATE_FORMATS = ("%m/%d/%Y", "%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%Y/%m/%d")

# Roughly what wp_kses_post() lets through in post content.
POST_ATTRIBUTES = {
    "*": {"class", "id", "style", "title", "lang", "dir", "align"},
    "a": {"href", "target", "rel", "name"},
    "img": {"src", "alt", "width", "height"},
    "ol": {"start", "type", "reversed"},
    "ul": {"type"},
    "td": {"colspan", "rowspan", "valign"},
    "th": {"colspan", "rowspan", "valign", "scope"},
    "table": {"border", "cellspacing", "cellpadding", "width"},
}

CRITICAL_ERROR_PAGE = (
    "<!DOCTYPE html>\n<html dir='ltr'><head><meta name=\"viewport\" "
    'content="width=device-width"><meta http-equiv="Content-Type" '
    'content="text/html; charset=utf-8" />'
    "<title>WordPress &rsaquo; Error</title></head>"
    '<body id="error-page"><div class="wp-die-message">'
    "<p>There has been a critical error on this website.</p>"
    '<p><a href="https://wordpress.org/documentation/article/'
    'faq-troubleshooting/">Learn more about troubleshooting WordPress.</a>'
    "</p></div></body></html>"
)

Job = dict[str, Any]
Post = dict[str, Any]


class WordPressSite(LoopbackServer):
    """The plugin's webhook and the site's read-only job collection."""

    def __init__(
        self,
        *,
        secret: str,
        enabled: bool = True,
        rate_limit: int = 10,
        rate_window_s: float = 60.0,
        clock: Callable[[], float] | None = None,
        php8_fault: bool = False,
        fail_next: Iterable[int] = (),
        max_jobs: int = 100,
    ) -> None:
        super().__init__()
        self.secret = secret
        self.enabled = enabled
        self.rate_limit = rate_limit
        self.rate_window_s = rate_window_s
        self.clock = clock or _wall_clock
        self.php8_fault = php8_fault
        self.max_jobs = max_jobs
        self._posts: dict[str, Post] = {}
        self._next_post_id = FIRST_POST_ID
        self._hits: dict[str, deque[float]] = {}
        self._failures: deque[tuple[int, int]] = deque()
        self._lock = threading.RLock()
        self.queue_failures(*fail_next)

    @property
    def url(self) -> str:
        """The webhook URL, as ``WP_API_URL`` would name it."""
        return self.base_url + WEBHOOK_PATH

    @property
    def rest_url(self) -> str:
        """The read-only REST collection of synced jobs."""
        return self.base_url + REST_PATH

    @property
    def jobs(self) -> dict[str, Post]:
        """A copy of the stored posts, keyed by job id."""
        with self._lock:
            return copy.deepcopy(self._posts)

    def seed(self, jobs: Iterable[Job]) -> None:
        """Store posts as if an earlier delivery had sent ``jobs``."""
        with self._lock:
            for job in jobs:
                self._upsert(job)

    def reset_rate_limit(self) -> None:
        """Forget every client's recent requests."""
        with self._lock:
            self._hits.clear()

    def queue_failures(self, *status_codes: int, retry_after: int = 1) -> None:
        """Answer the next webhook requests with these statuses, in order."""
        with self._lock:
            self._failures.extend((code, retry_after) for code in status_codes)

    def handle(self, request: RecordedRequest) -> Reply:
        if request.path == REST_PATH and request.method in ("GET", "HEAD"):
            return self._rest_collection(request.query)
        if request.path.rstrip("/") != WEBHOOK_PATH:
            return Reply(404, _page(404), content_type=HTML_TYPE)

        failure = self._next_failure()
        if failure is not None:
            return self._failure_reply(*failure)

        return self._receive(request)

    def _receive(self, request: RecordedRequest) -> Reply:
        if not self.enabled:
            return self._error(503, "Service temporarily unavailable")

        if request.method != "POST":
            return self._error(405, "Method not allowed", allowed_methods=["POST"])

        if not self._admit(request.client_ip):
            return self._error(
                429, "Rate limit exceeded", retry_after=RATE_LIMIT_RETRY_AFTER_S
            )

        if not self._is_signed(request):
            return self._error(401, "Unauthorized - Invalid signature")

        try:
            data = json.loads(request.body.decode("utf-8"), parse_constant=_reject)
        except ValueError:
            return self._error(400, "Invalid JSON format")

        if not self._is_well_formed(data):
            return self._error(
                400, "Invalid webhook data structure", expected={"jobs": "array"}
            )

        return self._process(data["jobs"])

    def _next_failure(self) -> tuple[int, int] | None:
        with self._lock:
            return self._failures.popleft() if self._failures else None

    def _failure_reply(self, code: int, retry_after: int) -> Reply:
        if code == 429:
            reply = self._error(429, "Rate limit exceeded", retry_after=retry_after)
            reply.headers["Retry-After"] = str(retry_after)
            return reply
        if code == 500:
            return _json_reply(500, {"error": "Internal server error"})
        # Other failures come from the web server or a proxy in front of PHP.
        return Reply(code, _page(code), content_type=HTML_TYPE)

    def _admit(self, client_ip: str) -> bool:
        now = self.clock()
        with self._lock:
            hits = self._hits.setdefault(client_ip, deque())
            while hits and hits[0] <= now - self.rate_window_s:
                hits.popleft()
            if len(hits) >= self.rate_limit:
                return False
            hits.append(now)
            return True

    def _is_signed(self, request: RecordedRequest) -> bool:
        timestamp = request.headers.get("X-Webhook-Timestamp")
        if timestamp is None or not PHP_NUMERIC.fullmatch(timestamp):
            return False
        age = abs(self.clock() - float(timestamp))
        if not math.isfinite(age) or age > TIMESTAMP_TOLERANCE_S:
            return False

        digest = hmac.new(self.secret.encode(), request.body, hashlib.sha256)
        expected = "sha256=" + digest.hexdigest()
        given = request.headers.get("X-Webhook-Signature") or ""
        return hmac.compare_digest(expected.encode(), given.encode())

    def _is_well_formed(self, data: Any) -> bool:
        if not isinstance(data, dict) or not isinstance(data.get("jobs"), list):
            return False

        jobs = data["jobs"]
        if len(jobs) > self.max_jobs:
            return False
        return not jobs or _has_required_fields(jobs[0])

    def _process(self, jobs: list[Any]) -> Reply:
        created = updated = skipped = 0
        errors: list[str] = []

        with self._lock:
            for index, job in enumerate(jobs):
                if not _has_required_fields(job):
                    skipped += 1
                    errors.append(f"Job at index {index} is missing id or title")
                    continue
                if self._upsert(job):
                    created += 1
                else:
                    updated += 1

            if self.php8_fault:
                # PHP 8 throws on count(null) after the writes, before deletion.
                return Reply(500, CRITICAL_ERROR_PAGE.encode(), content_type=HTML_TYPE)

            removed = self._delete_all_but(_ids_in(jobs))

        return _json_reply(
            200,
            {
                "success": True,
                "processed": created,
                "updated": updated,
                "skipped": skipped,
                "total": len(jobs),
                "errors": errors,
                "removed": removed,
                "timestamp": self._timestamp(),
                "source": SOURCE,
            },
        )

    def _upsert(self, job: Job) -> bool:
        """Write one post from ``job``; True when it is new."""
        job_id = str(job["id"])
        existing = self._posts.get(job_id)
        if existing is None:
            post_id = self._next_post_id
            self._next_post_id += 1
        else:
            post_id = existing["post_id"]

        self._posts[job_id] = self._build_post(post_id, job_id, job)
        return existing is None

    def _build_post(self, post_id: int, job_id: str, job: Job) -> Post:
        now = self.clock()
        posted = _parse_loose_date(
            _first(job, "postedDate", "posted_date"), default=now
        )
        return {
            "post_id": post_id,
            "job_id": job_id,
            "title": _strip_tags(job["title"]),
            "content": _allowed_post_html(job.get("description")),
            "excerpt": _strip_tags(job.get("summary")),
            "status": "future" if posted.timestamp() > now else "publish",
            "date": posted.isoformat(timespec="seconds"),
            "modified": _iso(now),
            "department": _strip_tags(job.get("department")),
            "location": _strip_tags(job.get("location")),
            "job_type": _strip_tags(_first(job, "type", "jobType")),
            "employment_type": _strip_tags(job.get("employmentType")),
            "salary_range": _strip_tags(_first(job, "salaryRange", "salary_range")),
            "apply_url": _url_or_empty(_first(job, "applyUrl", "apply_url")),
            "expiry_date": _strip_tags(job.get("expiryDate")),
            "source_url": _url_or_empty(job.get("sourceUrl")),
            "raw_data": copy.deepcopy(job),
        }

    def _delete_all_but(self, keep: set[str]) -> int:
        stale = [job_id for job_id in self._posts if job_id not in keep]
        for job_id in stale:
            del self._posts[job_id]
        return len(stale)

    def _rest_collection(self, query: dict[str, str]) -> Reply:
        try:
            per_page = int(query.get("per_page", "10"))
            page = int(query.get("page", "1"))
        except ValueError:
            per_page = page = 0
        if not 1 <= per_page <= 100 or page < 1:
            return _json_reply(
                400, {"code": "rest_invalid_param", "message": "Invalid parameter(s)"}
            )

        with self._lock:
            published = [p for p in self._posts.values() if p["status"] == "publish"]
            published.sort(key=lambda post: post["date"], reverse=True)
            total = len(published)
            pages = math.ceil(total / per_page)
            if total and page > pages:
                return _json_reply(
                    400,
                    {
                        "code": "rest_post_invalid_page_number",
                        "message": "The page number requested is larger than "
                        "the number of pages available.",
                    },
                )
            window = published[(page - 1) * per_page : page * per_page]
            items = [self._rest_item(post) for post in window]

        reply = _json_reply(200, items)
        reply.headers.update({"X-WP-Total": str(total), "X-WP-TotalPages": str(pages)})
        return reply

    def _rest_item(self, post: Post) -> dict[str, Any]:
        excerpt = f"<p>{html.escape(post['excerpt'])}</p>\n" if post["excerpt"] else ""
        return {
            "id": post["post_id"],
            "date": post["date"],
            "modified": post["modified"],
            "slug": _slug(post["title"]) or str(post["post_id"]),
            "status": post["status"],
            "type": "drivehr_job",
            "link": f"{self.base_url}/jobs/{_slug(post['title'])}/",
            "title": {"rendered": html.escape(post["title"], quote=False)},
            "content": {"rendered": post["content"], "protected": False},
            "excerpt": {"rendered": excerpt, "protected": False},
            "meta": {
                "job_id": post["job_id"],
                "location": post["location"],
                "department": post["department"],
                "job_type": post["job_type"],
                "employment_type": post["employment_type"],
                "salary_range": post["salary_range"],
                "apply_url": post["apply_url"],
                "expiry_date": post["expiry_date"],
                "source_url": post["source_url"],
            },
        }

    def _error(self, status: int, message: str, **extra: Any) -> Reply:
        return _json_reply(
            status, {"error": message, **extra, "timestamp": self._timestamp()}
        )

    def _timestamp(self) -> str:
        return _iso(self.clock())


def _wall_clock() -> float:
    # Looked up at call time so tests that patch time.time still apply.
    return time.time()


def _reject(constant: str) -> Any:
    raise ValueError(f"{constant} is not JSON")


def _json_reply(status: int, body: Any) -> Reply:
    return Reply(status, json.dumps(body).encode())


def _page(code: int) -> bytes:
    phrase = HTTPStatus(code).phrase
    return (
        f"<!DOCTYPE html><html><head><title>{code} {phrase}</title></head>"
        f"<body><h1>{phrase}</h1></body></html>"
    ).encode()


def _is_empty(value: Any) -> bool:
    # PHP's empty(): null, "", "0", 0, false and empty arrays.
    return value in (None, "", "0", 0, False) or value == [] or value == {}


def _has_required_fields(job: Any) -> bool:
    return (
        isinstance(job, dict)
        and not _is_empty(job.get("id"))
        and not _is_empty(job.get("title"))
    )


def _ids_in(jobs: list[Any]) -> set[str]:
    return {
        str(job["id"])
        for job in jobs
        if isinstance(job, dict) and not _is_empty(job.get("id"))
    }


def _first(job: Job, *names: str) -> Any:
    for name in names:
        if not _is_empty(job.get(name)):
            return job[name]
    return None


def _strip_tags(value: Any) -> str:
    if value is None:
        return ""
    text = html.unescape(TAG.sub("", str(value)))
    return BLANKS.sub(" ", text).strip()


def _allowed_post_html(value: Any) -> str:
    if value is None:
        return ""
    return nh3.clean(
        str(value),
        attributes=POST_ATTRIBUTES,
        clean_content_tags={"script", "style"},
        link_rel=None,
    )


def _url_or_empty(value: Any) -> str:
    text = "" if value is None else str(value).strip()
    parts = urlsplit(text)
    if parts.scheme in ("http", "https") and parts.netloc:
        return text
    return ""


def _parse_loose_date(value: Any, *, default: float) -> datetime:
    """Read a date the way strtotime() would, or fall back to ``default``."""
    text = "" if value is None else str(value).strip()
    parsed: datetime | None = None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        for pattern in LOOSE_DATE_FORMATS:
            try:
                parsed = datetime.strptime(text, pattern)
                break
            except ValueError:
                continue
    if parsed is None:
        try:
            parsed = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return datetime.fromtimestamp(default, UTC)

    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _iso(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).isoformat(timespec="seconds")


def _slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
