"""Placing the tutorial into a student's home never loses the student's work."""
import json
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

sys.path.insert(0, str(REPO / "scripts" / "image"))
import sync_tutorial  # noqa: E402


@pytest.fixture
def course(tmp_path):
    src = tmp_path / "image"
    (src / "data").mkdir(parents=True)
    (src / "01.ipynb").write_text("v1 of 01")
    (src / "02.ipynb").write_text("v1 of 02")
    (src / "data" / "corpus.txt").write_text("stars")
    return src, tmp_path / "home" / "tutorial"


def files(root):
    return {p.relative_to(root).as_posix(): p.read_text() for p in root.rglob("*") if p.is_file()
            and not p.name.startswith(".")}


def test_empty_home_gets_everything(course):
    src, home = course
    home.mkdir(parents=True)
    report = sync_tutorial.sync(src, home)
    assert files(home) == files(src)
    assert sorted(report["copied"]) == ["01.ipynb", "02.ipynb", "data/corpus.txt"]


def test_edited_file_is_never_overwritten_and_deleted_file_is_restored(course):
    src, home = course
    home.mkdir(parents=True)
    sync_tutorial.sync(src, home)
    (home / "01.ipynb").write_text("my answers")
    (home / "02.ipynb").unlink()
    (src / "01.ipynb").write_text("v2 of 01")  # a course update
    report = sync_tutorial.sync(src, home)
    assert (home / "01.ipynb").read_text() == "my answers"
    assert (home / "02.ipynb").read_text() == "v1 of 02"
    assert report == {"copied": ["02.ipynb"], "updated": [], "kept": ["01.ipynb"], "failed": []}


def test_untouched_file_gets_the_new_course_version(course):
    src, home = course
    home.mkdir(parents=True)
    sync_tutorial.sync(src, home)
    (src / "02.ipynb").write_text("v2 of 02")
    report = sync_tutorial.sync(src, home)
    assert (home / "02.ipynb").read_text() == "v2 of 02"
    assert report["updated"] == ["02.ipynb"]


def test_existing_files_without_manifest_are_treated_as_the_students(course):
    src, home = course
    home.mkdir(parents=True)
    (home / "01.ipynb").write_text("written before any sync")
    sync_tutorial.sync(src, home)
    assert (home / "01.ipynb").read_text() == "written before any sync"


def test_damaged_manifest_loses_nothing(course):
    src, home = course
    home.mkdir(parents=True)
    sync_tutorial.sync(src, home)
    (home / "01.ipynb").write_text("my answers")
    (home / sync_tutorial.MANIFEST).write_text("{not json")
    (src / "01.ipynb").write_text("v2 of 01")
    sync_tutorial.sync(src, home)
    assert (home / "01.ipynb").read_text() == "my answers"
    assert json.loads((home / sync_tutorial.MANIFEST).read_text())["placed"]


def test_home_of_another_user_fails_with_what_to_do(course, capsys, monkeypatch):
    src, home = course
    home.parent.mkdir(parents=True)
    monkeypatch.setattr(sync_tutorial.os, "access", lambda path, mode: False)
    monkeypatch.setattr(sync_tutorial.os, "getuid", lambda: 4242)
    assert sync_tutorial.main(["sync", str(src), str(home)]) == 1
    err = capsys.readouterr().err
    assert "cannot write to" in err and "chown" in err


def test_a_file_that_cannot_be_placed_does_not_stop_the_rest(course):
    src, home = course
    home.mkdir(parents=True)
    (home / "01.ipynb").mkdir()  # a folder where a notebook belongs
    report = sync_tutorial.sync(src, home)
    assert report["failed"] and report["failed"][0].startswith("01.ipynb")
    assert (home / "02.ipynb").read_text() == "v1 of 02"


def test_tutorial_replaced_by_a_file_still_lets_the_server_start(course, capsys):
    src, home = course
    home.parent.mkdir(parents=True)
    home.write_text("oops")
    assert sync_tutorial.main(["sync", str(src), str(home)]) == 0
    assert "is not a folder" in capsys.readouterr().err
    assert home.read_text() == "oops"


def test_read_only_home_says_so(course, capsys, monkeypatch):
    src, home = course
    home.parent.mkdir(parents=True)
    monkeypatch.setattr(sync_tutorial.os, "access", lambda path, mode: False)
    assert sync_tutorial.main(["sync", str(src), str(home)]) == 1
    assert "read-only" in capsys.readouterr().err
