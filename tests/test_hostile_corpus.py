"""Every file of the hostile corpus (tests/hostile_corpus.py) gets the outcome a person
should get: the readings it holds, or a message naming the file with nothing written."""

from __future__ import annotations

import pytest
from conftest import table_state
from hostile_corpus import build

from dashboard.errors import ImportRejectedError
from dashboard.ingest import ImportOptions, import_file

CASES = build()


def test_the_corpus_has_at_least_a_hundred_files():
    assert len(CASES) >= 100
    assert sum(c.rejected for c in CASES) >= 50 and sum(not c.rejected for c in CASES) >= 40


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_each_odd_file_gets_its_outcome(case, store, tmp_path, monkeypatch):
    for key, value in case.env.items():
        monkeypatch.setenv(key, value)
    path = tmp_path / case.name
    path.write_bytes(case.data)
    before = table_state(store)
    options = ImportOptions(rep=case.rep, day=case.day)
    if case.rejected:
        with pytest.raises(ImportRejectedError) as err:
            import_file(store, path, options)
        message = str(err.value)
        assert message.startswith(case.name), message[:300]
        assert case.says in message, message[:300]
        assert len(message) < 10_000  # bounded, however big the bad values are
        assert max(map(len, message.splitlines())) < 2_000  # no line a screen cannot hold
        assert table_state(store) == before
    else:
        result = import_file(store, path, options)
        assert result.rows_loaded == case.loaded
        said = " ".join([*map(str, result.warnings), *result.notes])
        assert case.says in said, said[:300]
        # Importing the same file again changes nothing.
        state = table_state(store)
        assert import_file(store, path, options).imported_before == result.import_id
        assert table_state(store) == state
