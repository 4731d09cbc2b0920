"""make_directories returns only once the directory is there: a level that exists but is no
directory (a file, a link to a disk not mounted) is an error, never taken for one made
meanwhile by another commdash."""

from __future__ import annotations

from pathlib import Path

import pytest

from commdash.statefiles import make_directories


def test_every_missing_level_is_made(tmp_path: Path) -> None:
    make_directories(tmp_path / "a" / "b" / "c")
    assert (tmp_path / "a" / "b" / "c").is_dir()


def test_a_link_to_a_folder_not_there_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "usb").symlink_to(tmp_path / "not-mounted")
    with pytest.raises(FileNotFoundError):
        make_directories(tmp_path / "usb" / "commdash" / "state")
    assert not (tmp_path / "not-mounted").exists()


def test_a_file_where_a_folder_should_be_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "commdash").write_text("not a folder")
    with pytest.raises(NotADirectoryError):
        make_directories(tmp_path / "commdash" / "state" / "shared")
