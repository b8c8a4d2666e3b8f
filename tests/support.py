"""Constants and builders the test modules share."""

from __future__ import annotations

SECRET = "test-secret-0123456789-abcdefghijklmnop"
COMPANY_ID = "123e4567-e89b-12d3-a456-426614174000"
