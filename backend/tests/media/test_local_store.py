"""The local store: atomic writes, the key layout as the only way in, deletion by layout."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from app.media.keys import picture_keys, visualization_keys
from app.media.local import LocalMediaStore


async def test_put_replaces_atomically_and_deleting_other_formats_leaves_one_image(
    tmp_path: Path,
) -> None:
    store = LocalMediaStore(tmp_path)
    visualization_id = uuid.uuid4()
    old, _ = picture_keys(visualization_id, "jpg")
    new, thumbnail = picture_keys(visualization_id, "png")
    await store.put(old, b"old")
    await store.put(new, b"first")
    await store.put(new, b"second")
    await store.put(thumbnail, b"thumb")
    # A write killed before its rename (a worker SIGKILLed mid-job) left this behind.
    (tmp_path / new).with_name(".tmp-killed01").write_bytes(b"half")

    await store.delete(visualization_keys(visualization_id) - {new, thumbnail})

    folder = tmp_path / "visualizations" / str(visualization_id)
    assert sorted(p.name for p in folder.iterdir()) == ["image.png", "thumbnail.jpg"]  # no temp
    assert await store.read(new) == b"second"
    assert await store.size(thumbnail) == 5


async def test_deleting_every_key_removes_the_folder_even_with_a_crashed_writes_leftover(
    tmp_path: Path,
) -> None:
    store = LocalMediaStore(tmp_path)
    visualization_id = uuid.uuid4()
    image, thumbnail = picture_keys(visualization_id, "webp")
    await store.put(image, b"img")
    (tmp_path / image).with_name(".tmp-abc123").write_bytes(b"half")

    await store.delete(visualization_keys(visualization_id))
    await store.delete(visualization_keys(visualization_id))  # nothing there: no error

    assert not (tmp_path / "visualizations" / str(visualization_id)).exists()
    assert await store.read(image) is None
    assert await store.size(thumbnail) is None


@pytest.mark.parametrize(
    "key", ["../escape.png", "visualizations/not-a-uuid/image.png", "/etc/passwd"]
)
async def test_keys_outside_the_layout_are_refused(tmp_path: Path, key: str) -> None:
    store = LocalMediaStore(tmp_path / "media")
    assert store.path_for(key) is None
    with pytest.raises(ValueError, match="invalid media key"):
        await store.put(key, b"x")
    with pytest.raises(ValueError, match="invalid media key"):
        await store.delete([key])
    assert not (tmp_path / "escape.png").exists()


async def test_only_files_of_the_layout_are_listed_for_a_push(tmp_path: Path) -> None:
    store = LocalMediaStore(tmp_path)
    image, thumbnail = picture_keys(uuid.uuid4(), "png")
    await store.put(image, b"i")
    await store.put(thumbnail, b"t")
    (tmp_path / "visualizations" / "notes.txt").write_text("not a picture")
    (tmp_path / image).with_name("image.svg").write_text("<svg/>")

    assert sorted(key for key, _ in store.files()) == sorted([image, thumbnail])


async def test_a_store_without_a_signer_hands_out_no_links(tmp_path: Path) -> None:
    image, _ = picture_keys(uuid.uuid4(), "png")
    with pytest.raises(RuntimeError, match="no links"):
        await LocalMediaStore(tmp_path).url_for(image, "http://test")
