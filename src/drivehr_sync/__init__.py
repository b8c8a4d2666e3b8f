"""Keep a WordPress site's job listings identical to a company's DriveHR postings."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("drivehr-sync")
except PackageNotFoundError:  # running from a source tree without install
    __version__ = "0.0.0"

__all__ = ["__version__"]
