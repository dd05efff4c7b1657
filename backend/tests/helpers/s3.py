"""A real S3-protocol server for the tests: moto's standalone server on 127.0.0.1, started by the
suite itself (no Docker, no network, no mocked client).

- `S3Server`: the running server (the `s3_server` session fixture of tests/conftest.py holds
  one; `s3_bucket` gives a test a fresh, empty bucket on it); `endpoint_url` is what
  AWS_ENDPOINT_URL gets. `stop()` takes it down (its port then refuses connections) and
  `start()` brings it back on the same port with every bucket and object (moto keeps them in
  this process's memory): the store going down and coming back.
- `s3_settings(server, bucket, **overrides)`: the settings overrides that point the app at it.
- `server.objects(bucket)` / `server.get(bucket, key)`: what is really in the store, read with a
  separate (synchronous) botocore client.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import botocore.session
from moto.server import ThreadedMotoServer

# What points a process at a store: kept out of the tests' processes unless a test sets it.
STORAGE_VARIABLES = (
    "MEDIA_STORAGE_URL",
    "MEDIA_PUBLIC_ENDPOINT_URL",
    "AWS_ENDPOINT_URL",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_PROFILE",
)

S3_ACCESS_KEY_ID = "AKIATESTMEDIA0000000"
S3_SECRET_ACCESS_KEY = "test-media-secret-" + "s" * 22
S3_REGION = "us-east-1"

# werkzeug logs every request moto serves.
logging.getLogger("werkzeug").setLevel(logging.WARNING)


class S3Server:
    def __init__(self) -> None:
        self._server: ThreadedMotoServer | None = None
        self.port = 0
        self.start()
        # Synchronous botocore (no stubs for it: Any), separate from the app's client.
        self._client: Any = botocore.session.get_session().create_client(
            "s3",
            region_name=S3_REGION,
            endpoint_url=self.endpoint_url,
            aws_access_key_id=S3_ACCESS_KEY_ID,
            aws_secret_access_key=S3_SECRET_ACCESS_KEY,
        )

    @property
    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def running(self) -> bool:
        return self._server is not None

    def start(self) -> None:
        assert self._server is None
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)
        server.start()
        self.port = server.get_host_and_port()[1]
        self._server = server

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None

    def create_bucket(self) -> str:
        name = f"media-{uuid.uuid4().hex[:12]}"
        self._client.create_bucket(Bucket=name)
        return name

    def objects(self, bucket: str) -> dict[str, int]:
        """Every key in the bucket with its size."""
        listing = self._client.list_objects_v2(Bucket=bucket)
        return {item["Key"]: item["Size"] for item in listing.get("Contents", [])}

    def get(self, bucket: str, key: str) -> dict[str, Any]:
        response: dict[str, Any] = self._client.get_object(Bucket=bucket, Key=key)
        response["Data"] = response["Body"].read()
        return response

    def put(self, bucket: str, key: str, data: bytes) -> None:
        self._client.put_object(Bucket=bucket, Key=key, Body=data)


@contextmanager
def running_s3_server() -> Iterator[S3Server]:
    server = S3Server()
    try:
        yield server
    finally:
        server.stop()


def s3_settings(
    server: S3Server, bucket: str, prefix: str = "", **overrides: Any
) -> dict[str, Any]:
    url = f"s3://{bucket}/{prefix}" if prefix else f"s3://{bucket}"
    values: dict[str, Any] = {
        "media_storage_url": url,
        "aws_endpoint_url": server.endpoint_url,
        "aws_region": S3_REGION,
        "aws_access_key_id": S3_ACCESS_KEY_ID,
        "aws_secret_access_key": S3_SECRET_ACCESS_KEY,
        # A store that is down fails fast here (connection refused); a hung one, in seconds.
        "media_storage_timeout_seconds": 3.0,
    }
    values.update(overrides)
    return values
