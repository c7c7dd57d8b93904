"""The method page states the rules the config actually uses."""

from __future__ import annotations

from dashboard import PROJECT_DIR
from dashboard.scoring.config import load_config

DOC = (PROJECT_DIR / "docs" / "SCORING.md").read_text(encoding="utf-8")


def test_every_threshold_in_the_config_is_stated_in_the_method_page():
    c = load_config()
    numbers = [
        c.bands.top_from, c.bands.above_average_from, c.bands.low_from,
        c.groups.leader_above, c.groups.laggard_below,
        c.groups.balanced_pillar_min, c.groups.well_rounded_ssi_min,
        c.freshness.stale_after_days, c.freshness.listed_for_days, c.privacy.min_group_reps,
        c.trend.target_ssi, c.trend.slope_weeks, c.coaching.falling_weeks,
        c.coaching.pillar_floor, c.coaching.silent_days, c.coaching.weekly_drop,
        c.estimate.window_days, c.estimate.curve_k,
        c.activity.active_days, c.activity.weak_correlation, c.activity.strong_correlation,
        c.activity.min_reps_for_correlation, c.goals.pace_tolerance, c.goals.activity_weeks,
        c.events.window_days, c.alerts.ssi_drop_points, c.alerts.ssi_drop_days,
        c.alerts.pillar_floor, c.alerts.no_reading_days, c.alerts.import_late_days,
        c.digest.hour, c.digest.movers, c.digest.signals, c.digest.retries,
        c.digest.retry_seconds, c.outcomes.min_reps, c.outcomes.min_deals,
        c.outcomes.min_reps_per_band, c.outcomes.resamples, c.outcomes.seed,
        100 * c.outcomes.confidence,
    ]  # fmt: skip
    for number in numbers:
        assert f"{number:g}" in DOC, f"{number:g} from scoring.toml is not in docs/SCORING.md"


def test_every_estimate_input_is_listed_with_its_weight_and_target():
    for item in load_config().estimate.inputs:
        cell = f"`{item['input']}` ({item['weight']:.2f}, {item['target']:g}"
        assert cell in DOC, f"docs/SCORING.md does not state {cell}"


def test_a_benchmark_replaces_its_own_block_of_the_performance_page(tmp_path):
    from bench.record import record

    doc = tmp_path / "PERFORMANCE.md"
    doc.write_text("# Performance\n\nWhy the figures are what they are.\n", encoding="utf-8")
    record("big", ["team review 1,200 ms"], doc)
    record("other", ["import 6.1 x"], doc)
    record("big", ["team review 900 ms"], doc)
    text = doc.read_text(encoding="utf-8")
    assert text.startswith("# Performance\n\nWhy the figures are what they are.\n")
    assert "team review 900 ms" in text and "1,200" not in text
    assert text.count("<!-- bench:big -->") == 1 and "import 6.1 x" in text
    assert text.index("<!-- bench:big -->") < text.index("<!-- bench:other -->")


def test_every_size_and_time_an_operator_reads_comes_from_a_benchmark_block():
    """DEPLOY.md's sizes are copied from what `make bench` wrote, never typed from memory:
    each figure of its Sizes section is in a block of PERFORMANCE.md, and the operator is
    pointed at the blocks for the rest (the store's size, the memory a process needs)."""
    import re

    deploy = (PROJECT_DIR / "docs" / "DEPLOY.md").read_text(encoding="utf-8")
    performance = (PROJECT_DIR / "docs" / "PERFORMANCE.md").read_text(encoding="utf-8")
    blocks = "\n".join(re.findall(r"<!-- bench:\w+ -->(.*?)<!-- /bench:\w+ -->", performance, re.S))
    sizes = deploy[deploy.index("## Sizes") :]
    figures = re.findall(r"\d[\d,.]*(?: / \d[\d,.]*)* ?(?:ms|s|MB|GB)\b", sizes)
    assert len(figures) >= 5
    for figure in figures:
        numbers = figure.rsplit(" ", 1)[0] if " " in figure else figure.rstrip("msGB")
        assert numbers in blocks, f"{figure} in DEPLOY.md is in no benchmark block"
    for said in re.findall(r"`(\w+)` block", sizes):
        assert f"<!-- bench:{said} -->" in performance
    for text in (deploy, (PROJECT_DIR / "README.md").read_text(encoding="utf-8")):
        assert not re.search(r"about \d+ GB", text), "a size typed by hand"
