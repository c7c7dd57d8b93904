"""What the pages and the command line say about the demo, pinned: a refactoring of the
store, the config or the views must not change one number. Regenerate deliberately with
``UPDATE_GOLDEN=1`` after a change that is meant to alter results, and say so in the commit."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import DEMO_END

from dashboard.cli import _json_default, _json_safe, _records
from dashboard.scoring import LEADERBOARD_KEYS, leaderboard
from dashboard.scoring.summary import rep_summary
from dashboard.views.team_review import estimate_check, team_review

GOLDEN = Path(__file__).with_name("golden")


def as_json(data) -> str:
    return json.dumps(_json_safe(data), default=_json_default, indent=1, sort_keys=True)


def check(name: str, data) -> None:
    path = GOLDEN / f"{name}.json"
    text = as_json(data)
    if os.environ.get("UPDATE_GOLDEN") or not path.exists():
        path.write_text(text + "\n", encoding="utf-8")
        if not os.environ.get("UPDATE_GOLDEN"):
            pytest.fail(f"{path.name} did not exist and was written: commit it")
    assert text == path.read_text(encoding="utf-8").rstrip("\n"), f"{name} changed"


def test_leaderboard_json_is_unchanged(demo_store):
    check("leaderboard", _records(leaderboard(demo_store, DEMO_END)[LEADERBOARD_KEYS]))


@pytest.mark.parametrize("position", [0, 7, 30, -1])
def test_self_check_json_is_unchanged(demo_store, position):
    board = leaderboard(demo_store, DEMO_END)
    rep_id = int(board["rep_id"].iloc[position])
    check(f"self_check_{position}", rep_summary(demo_store, rep_id, DEMO_END).as_dict())


def test_team_review_numbers_are_unchanged(demo_store):
    view = team_review(demo_store, [], DEMO_END, 90)
    check("team_review", {
        "kpis": view.kpis.__dict__,
        "rises": _records(view.rises), "falls": _records(view.falls),
        "signals": _records(view.signals), "comparison": _records(view.comparison),
        "agreement": estimate_check(demo_store, [], DEMO_END), "radar": view.radar_series(),
        "averages_tail": _records(view.averages.tail(12)),
    })  # fmt: skip
