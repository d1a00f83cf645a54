"""Bad input to ``draft_fixture`` gets a clear message and a non-zero exit (or, for a
text about no monument, an empty fixture and a warning), never a traceback."""

import json
import os
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ..conftest import ROOT

BAD_INPUTS = {
    "empty": (b"", "the file is empty"),
    "blank": (b"  \n\n \t\n", "the file is empty"),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary file"),
    "latin-1": ("Le temple de Bel a été détruit.".encode("latin-1"), "not UTF-8 text"),
    "huge": (
        (b"The Temple of Bel was destroyed. " * 310_000)[:10_000_000],
        "10.0 MB is too large",
    ),
}


@pytest.fixture
def bad_file(tmp_path, request):
    data, _ = BAD_INPUTS[request.param]
    path = tmp_path / f"{request.param}.txt"
    path.write_bytes(data)
    return path, BAD_INPUTS[request.param][1]


@pytest.mark.parametrize("bad_file", list(BAD_INPUTS), indirect=True)
def test_unreadable_article_is_refused_with_a_clear_message(db, bad_file):
    path, message = bad_file
    with pytest.raises(CommandError, match=message) as error:
        call_command("draft_fixture", str(path), verbosity=0)
    assert str(path) in str(error.value)


@pytest.mark.parametrize("bad_file", list(BAD_INPUTS), indirect=True)
def test_unreadable_article_exits_non_zero_without_a_traceback(bad_file):
    path, message = bad_file
    done = subprocess.run(
        [sys.executable, "manage.py", "draft_fixture", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "registry.settings.test"},
        timeout=60,
    )
    assert done.returncode != 0
    assert message in done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert done.stdout == ""


def test_missing_file_is_refused(db, tmp_path):
    with pytest.raises(CommandError, match="no-such.txt: no such file"):
        call_command("draft_fixture", str(tmp_path / "no-such.txt"), verbosity=0)


def test_text_naming_no_monument_gives_an_empty_fixture_and_a_warning(registry, tmp_path, capsys):
    path = tmp_path / "weather.txt"
    path.write_text(
        "Storms over the Channel\n\nHeavy rain damaged roofs in Dover on Sunday.\n",
        encoding="utf-8",
    )
    call_command("draft_fixture", str(path))
    captured = capsys.readouterr()
    assert json.loads(captured.out) == []
    assert "names no monument of the registry" in captured.err


def test_text_naming_a_monument_without_its_state_drafts_the_source_with_a_warning(
    registry, tmp_path, capsys
):
    path = tmp_path / "visit.txt"
    path.write_text(
        "Tourists return to Palmyra\n\nSunday 01 October 2017\n\n"
        "Tourists walked along the Great Colonnade on Sunday, guides said.\n",
        encoding="utf-8",
    )
    call_command("draft_fixture", str(path))
    captured = capsys.readouterr()
    objects = json.loads(captured.out)
    assert [o["model"] for o in objects] == ["heritage.source"]
    assert "says nothing about their state" in captured.err


def test_a_fault_of_the_drafter_is_a_clear_error_and_writes_nothing(db, tmp_path, monkeypatch):
    from heritage.management.commands import draft_fixture

    def failing(*args, **kwargs):
        raise ValueError("not enough values to unpack")

    monkeypatch.setattr(draft_fixture, "draft", failing)
    path = tmp_path / "article.txt"
    path.write_text("Shelling damaged the Great Omari Mosque on Sunday.", encoding="utf-8")
    output = tmp_path / "out.json"
    with pytest.raises(CommandError, match="fault of the drafter") as error:
        call_command("draft_fixture", str(path), "-o", str(output), verbosity=0)
    assert str(path) in str(error.value) and "ValueError" in str(error.value)
    assert not output.exists()
    with pytest.raises(ValueError):
        call_command("draft_fixture", str(path), "-o", str(output), verbosity=0, traceback=True)
