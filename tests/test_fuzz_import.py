"""Fuzzing the CSV and JSON readers through the command line's own entry point.

Whatever the bytes, `import` ends with exit 0 (imported) or 2 (rejected), says which file,
never prints a traceback or "unexpected failure", and a rejected file changes nothing.
The default run is bounded; `make fuzz` runs many more examples ($SSI_FUZZ_EXAMPLES).
"""

from __future__ import annotations

import json
import os
from itertools import count

from conftest import table_state
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard import cli
from dashboard.store import Store

EXAMPLES = int(os.environ.get("SSI_FUZZ_EXAMPLES", "40"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
_serial = count()

HEADERS = ["Name", "Email", "Team", "Date", "SSI", "Brand", "People", "Insights",
           "Relationships", "Profile views", "Industry rank", "Notes", "Total_SSI",
           "Establishing your professional brand", "Metric", "Value", "", "SSI"]  # fmt: skip
ODD_TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
CELLS = st.one_of(
    st.sampled_from(["40", "12.5", "0", "-3", "101", "NaN", "inf", "1e3", "40,5", "45%", ""]),
    st.sampled_from(
        [
            "2026-11-20",
            "11/20/2026",
            "20.11.2026",
            "0000-01-01",
            "9999-12-31",
            "2026-02-30",
            "Nov 20, 2026",
            "2026-11-20T10:00:00Z",
        ]
    ),  # fmt: skip
    st.sampled_from(["Ann", "ann", "Bob Lee", "a@x.com", "=cmd|' /C calc'!A0", "<b>x</b>"]),
    ODD_TEXT,
    st.floats(allow_nan=True, allow_infinity=True).map(str),
)
CELL_QUOTED = CELLS.map(lambda c: '"' + c.replace('"', '""') + '"')


@st.composite
def delimited_files(draw) -> bytes:
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    headers = draw(st.lists(st.one_of(st.sampled_from(HEADERS), ODD_TEXT), min_size=1,
                            max_size=9))  # fmt: skip
    body = []
    for _ in range(draw(st.integers(0, 6))):
        width = draw(st.sampled_from([len(headers), len(headers), 1, len(headers) + 1]))
        body.append(delimiter.join(draw(st.lists(st.one_of(CELLS, CELL_QUOTED),
                                                 min_size=width, max_size=width))))  # fmt: skip
    ending = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    text = ending.join([delimiter.join(headers), *body]) + draw(st.sampled_from(["", ending]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]))
    return text.encode(encoding, errors="replace")


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.floats() | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),  # fmt: skip
    max_leaves=20,
)
PAGE = {
    "memberScore": {"overall": 52.6, "subScores": [
        {"pillar": "PROFESSIONAL_BRAND", "score": 20.97},
        {"pillar": "FIND_RIGHT_PEOPLE", "score": 6.38}]},
    "groupScore": [{"groupType": "INDUSTRY", "rank": 10, "score": {"overall": 35.0}}],
}  # fmt: skip


@st.composite
def json_files(draw) -> bytes:
    """The SSI page with one part replaced by any JSON value, or any JSON at all."""
    if draw(st.booleans()):
        return json.dumps(draw(JSON_VALUES)).encode()
    doc = json.loads(json.dumps(PAGE))
    where = draw(st.sampled_from(["top", "memberScore", "overall", "subScores", "sub", "group"]))
    value = draw(JSON_VALUES)
    if where == "top":
        doc[draw(st.sampled_from(["memberScore", "groupScore", "data"]))] = value
    elif where == "memberScore":
        doc["memberScore"] = value
    elif where == "overall":
        doc["memberScore"]["overall"] = value
    elif where == "subScores":
        doc["memberScore"]["subScores"] = value
    elif where == "sub":
        doc["memberScore"]["subScores"][0][draw(st.sampled_from(["pillar", "score"]))] = value
    else:
        doc["groupScore"][0][draw(st.sampled_from(["groupType", "rank", "score"]))] = value
    return json.dumps(doc).encode()


def import_through_cli(folder, store_path, data: bytes, suffix: str, capsys) -> None:
    name = f"fuzz{next(_serial)}_2026-11-20{suffix}"
    path = folder / name
    path.write_bytes(data)
    with Store(store_path) as store:
        before = table_state(store)
    capsys.readouterr()
    code = cli.main(["import", str(path), "--db", str(store_path), "--rep", "Fuzz Rep"])
    out, err = capsys.readouterr()
    assert code in (0, 2), err
    assert "Traceback" not in out + err and "unexpected failure" not in err, err
    assert name in (out if code == 0 else err)
    if code == 2:
        with Store(store_path) as store:
            assert table_state(store) == before
        assert "rejected, nothing written" in err


@FUZZ
@given(data=delimited_files())
def test_any_delimited_file_is_imported_or_refused_with_a_message(data, tmp_path_factory, capsys):
    folder = tmp_path_factory.mktemp("csv")
    import_through_cli(folder, folder / "s.duckdb", data, ".csv", capsys)


@FUZZ
@given(data=json_files())
def test_any_json_is_imported_or_refused_with_a_message(data, tmp_path_factory, capsys):
    folder = tmp_path_factory.mktemp("json")
    import_through_cli(folder, folder / "s.duckdb", data, ".json", capsys)


@FUZZ
@given(data=st.binary(max_size=2000))
def test_any_bytes_are_imported_or_refused_with_a_message(data, tmp_path_factory, capsys):
    folder = tmp_path_factory.mktemp("bin")
    import_through_cli(folder, folder / "s.duckdb", data, ".csv", capsys)
