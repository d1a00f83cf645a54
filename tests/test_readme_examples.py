"""The README's "Using the data" Python example runs against a live registry."""

import contextlib
import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command

README = Path(__file__).resolve().parent.parent / "README.md"


def using_the_data_python() -> str:
    text = README.read_text()
    section = text[text.index("## Using the data\n") :]
    section = section[: section.index("\n## ", 5)]
    (block,) = re.findall(r"```python\n(.*?)```", section, flags=re.S)
    return block


@pytest.mark.django_db(transaction=True)
def test_the_python_example_works(live_server, settings, tmp_path):
    from tests.conftest import load_seed_fixtures

    load_seed_fixtures()
    settings.DATASET_DIR = tmp_path
    call_command("export_dataset", stdout=io.StringIO())
    code = using_the_data_python().replace("http://127.0.0.1:8000", live_server.url)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "README.md", "exec"), {})
    printed = out.getvalue()
    assert "temple-of-bel" in printed  # destroyed, at Palmyra
    assert "destroyed" in printed
    assert "cff-version: 1.2.0" in printed
    assert re.search(r"^\d+ sources$", printed, flags=re.M)
