"""Rep self-check: where I stand, what changed, what to do next; record today's reading."""

from datetime import date

import pandas as pd
import streamlit as st

from dashboard import charts, ui
from dashboard.errors import ImportRejectedError, NotFoundError
from dashboard.fields import PILLAR_LABELS, PILLARS
from dashboard.scoring import load_config, rep_history
from dashboard.scoring.summary import rep_summary
from dashboard.views.self_check import record_reading
from dashboard.views.uploads import problems_table

st.title("Rep self-check")
with ui.friendly_errors():
    reps = ui.cached(ui.rep_names)
    first, last = ui.cached(ui.date_range)
    config = load_config()
    if reps.empty:
        ui.empty_store_message()
    labels = {int(r.rep_id): f"{r.name} ({r.team})" for r in reps.itertuples()}
    ids = list(labels)
    wanted = ui.param_int("rep")
    s1, s2 = st.columns([3, 1])
    rep_id = s1.selectbox("Who are you?", ids, index=ids.index(wanted) if wanted in ids else None,
                          format_func=labels.get, placeholder="Choose your name", key="rep")  # fmt: skip
    as_of = None
    if last is not None:
        as_of = s2.date_input("As of", value=ui.param_date("as_of", first, last),
                              min_value=first, max_value=last, key="me_as_of")  # fmt: skip
    if rep_id is not None:
        st.query_params.from_dict({"rep": str(rep_id), "as_of": as_of.isoformat() if as_of else ""})

    summary = None
    if rep_id is not None:
        try:
            summary = ui.cached(rep_summary, rep_id, as_of)
        except NotFoundError as exc:
            st.info(f"{exc}.")

    if summary:
        r = summary["reading"]
        g1, g2 = st.columns([2, 3])
        g1.plotly_chart(charts.ssi_gauge(r["ssi"], r["band"], r["ssi_change_7d"]), key="gauge")
        m = g2.columns(3)
        m[0].metric("SSI", ui.fmt(r["ssi"]), delta=ui.fmt(r["ssi_change_7d"], "{:+.1f}", None),
                    help="Change against your reading as of 7 days earlier")  # fmt: skip
        m[1].metric("Top % of your team", f"Top {r['top_pct_team']}%",
                    help=f"Rank {r['rank_team']} of {r['n_team']} in {summary['team']}")  # fmt: skip
        m[2].metric("Top % of the company", f"Top {r['top_pct_company']}%")
        m = g2.columns(3)
        m[0].metric("Industry rank", ui.fmt(r["industry_rank"], "Top {:.0f}%"))
        m[1].metric("Network rank", ui.fmt(r["network_rank"], "Top {:.0f}%"))
        m[2].metric(
            "Reading of",
            str(r["as_of"]),
            help="Stale when older than 7 days" if r["stale"] else None,
        )
        balance = (
            "balanced: every pillar is 15 or more"
            if r["balanced"]
            else (
                f"not balanced: {r['weakest_pillar']} is {ui.fmt(r['weakest_gap'])} points under 15"
            )
        )
        g2.markdown(f"**Balance:** {balance}. **Band:** {r['band']}.")
        f = summary["forecast"]
        target = f["target"]
        forecast = {"reached": f"you are at or above {target:g}",
                    "on track": f"on the current trend you reach {target:g} around {f['date']}",
                    }.get(f["status"], f"not on the current trend to reach {target:g}")  # fmt: skip
        slope = r["slope_per_week"]
        g2.markdown(
            f"**Forecast:** {forecast}"
            + ("" if slope is None else f" (trend {slope:+.2f} a week).")
        )

        p1, p2 = st.columns([3, 2])
        groups = {"You": {p: r[p] for p in PILLARS}, "Your team": summary["team_average"],
                  "Company": summary["company_average"]}  # fmt: skip
        if summary["estimate"]:
            groups["Estimated from your activity"] = summary["estimate"]
        p1.plotly_chart(charts.pillar_comparison(groups), key="pillars")
        p2.plotly_chart(charts.ssi_comparison({
            "You": r["ssi"], "Team": summary["team_average"]["ssi"],
            "Company": summary["company_average"]["ssi"], "Industry": r["industry_ssi"],
            "Network": r["network_ssi"]}), key="groups")  # fmt: skip

        history = ui.cached(rep_history, rep_id, as_of, 365)
        st.plotly_chart(charts.rep_trend(history, target), key="trend")

        st.subheader("What to do next")
        recs = pd.DataFrame(summary["recommendations"])
        if recs.empty:
            st.success("Every pillar is at 15 or more: keep your routine.")
        else:
            st.dataframe(recs[["pillar_label", "action", "expected_gain"]], hide_index=True,
                         column_config={"pillar_label": "Pillar", "action": "Action",
                                        "expected_gain": st.column_config.NumberColumn(
                                            "Expected gain (estimated points)", format="%.1f")})  # fmt: skip
        if summary["estimate"]:
            est = summary["estimate"]
            st.caption(f"Estimated SSI from your activity: {est['ssi']:.1f} (an estimate: LinkedIn "
                       "publishes no formula; see About the scores). Reported SSI: "
                       f"{r['ssi']:.1f}.")  # fmt: skip
            with st.expander("How your estimate is made (estimated, last 30 days of activity)"):
                st.dataframe(pd.DataFrame(summary["estimate_inputs"]), hide_index=True, column_config={
                    "pillar": "Pillar", "input": "Input",
                    "value": st.column_config.NumberColumn("Your value", format="%.1f"),
                    "target": st.column_config.NumberColumn("Target", format="%g"),
                    "weight": st.column_config.NumberColumn("Weight", format="%.2f"),
                    "level": st.column_config.ProgressColumn("Level", min_value=0, max_value=1),
                    "points": st.column_config.NumberColumn("Points (of 25)", format="%.1f"),
                    "gain_at_target": st.column_config.NumberColumn("Gain at target", format="+%.1f"),
                }, key="estimate_table")  # fmt: skip
        for sig in summary["signals"]:
            st.warning(f"{sig['signal']}: {sig['detail']}")

    st.subheader("Record today's SSI by hand")
    with st.form("record", clear_on_submit=False):
        name_default = labels.get(rep_id, "").rsplit(" (", 1)[0] if rep_id else ""
        c = st.columns(3)
        name = c[0].text_input("Your name", value=name_default, key="rec_name")
        day = c[1].date_input("Date", value=date.today(), key="rec_day")
        ssi = c[2].number_input("SSI (0-100)", value=None, step=0.1, key="rec_ssi",
                                help="Leave empty to use the sum of the pillars")  # fmt: skip
        c = st.columns(4)
        values = {p: c[i].number_input(f"{PILLAR_LABELS[p]} (0-25)", value=None, step=0.1,
                                       key=f"rec_{p}") for i, p in enumerate(PILLARS)}  # fmt: skip
        submitted = st.form_submit_button("Save reading")
    if submitted:
        team = summary["team"] if summary else None
        try:
            result = record_reading(ui.get_store(), name, team, day, ssi, values)
        except ImportRejectedError as exc:
            st.error("The reading was not saved:")
            st.dataframe(problems_table(exc.problems, "error"), hide_index=True, key="rec_errors")
        else:
            st.success(ui.md_text(result.summary()))
            for w in result.warnings:
                st.warning(ui.md_text(w.message))
