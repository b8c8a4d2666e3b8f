"""Keep a WordPress site's job listings identical to a company's DriveHR postings."""

# A literal, not importlib.metadata: reading package metadata costs tens of
# milliseconds on every cold start of a function.
__version__ = "1.0.0"

__all__ = ["__version__"]
