"""A real S3-protocol server on loopback (moto's), for the S3 state backend."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

DUMMY_SECRET = "dummy-secret-key-for-moto"


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """A moto S3 server on loopback, with dummy credentials in the env."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AWS_ACCESS_KEY_ID", "dummy-access-key")
        patch.setenv("AWS_SECRET_ACCESS_KEY", DUMMY_SECRET)
        patch.setenv("AWS_DEFAULT_REGION", "us-east-1")
        patch.delenv("AWS_PROFILE", raising=False)
        patch.delenv("AWS_ENDPOINT_URL", raising=False)
        yield f"http://{host}:{port}"

    server.stop()


def make_bucket(endpoint: str) -> str:
    """A new, empty bucket on the server."""
    import boto3

    name = f"state-{uuid.uuid4().hex[:12]}"
    boto3.client("s3", endpoint_url=endpoint).create_bucket(Bucket=name)
    return name
