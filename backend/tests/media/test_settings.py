"""The media storage settings: a clear error at start-up rather than a store that half works."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from app.platform.config import Settings


def _settings(**values: Any) -> Settings:
    return Settings(_env_file=None, **values)


@pytest.mark.parametrize(
    "url",
    ["media", "s3://", "s3://Upper-Case", "s3://ab", "gs://bucket", "s3://bucket/../up?x=1"],
)
def test_a_malformed_storage_url_stops_start_up_with_the_expected_form(url: str) -> None:
    with pytest.raises(ValidationError, match=r"s3://BUCKET or s3://BUCKET/PREFIX"):
        _settings(media_storage_url=url)


@pytest.mark.parametrize("url", ["s3://emotionviz-media", "s3://emotionviz.media/prod/pictures"])
def test_bucket_urls_with_and_without_a_prefix_are_accepted(url: str) -> None:
    assert _settings(media_storage_url=url).media_storage_url == url


def test_an_access_key_without_its_secret_is_refused() -> None:
    with pytest.raises(ValidationError, match="AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"):
        _settings(media_storage_url="s3://media-bucket", aws_access_key_id="AKIAEXAMPLE")


def test_links_cannot_outlive_what_sigv4_allows() -> None:
    with pytest.raises(ValidationError, match="signed_url_ttl_seconds"):
        _settings(signed_url_ttl_seconds=8 * 24 * 3600)


def test_keys_never_show_in_the_settings_repr() -> None:
    settings = _settings(
        media_storage_url="s3://media-bucket",
        aws_access_key_id="AKIAEXAMPLEKEYID0000",
        aws_secret_access_key="very-secret-value",
    )
    assert "very-secret-value" not in repr(settings)
    assert "AKIAEXAMPLEKEYID0000" not in repr(settings)
