"""Rep self-check: where I stand, what changed, what to do next; record today's reading."""

from datetime import date

import pandas as pd
import streamlit as st

from dashboard import display
from dashboard.actions.readings import record_reading
from dashboard.errors import ImportRejectedError, NotFoundError
from dashboard.fields import PILLAR_LABELS, PILLARS
from dashboard.reports.self_check import self_check_pdf
from dashboard.scoring import load_config
from dashboard.scoring.activity import rep_against_team
from dashboard.scoring.goals import activity_labels
from dashboard.scoring.summary import rep_as_of
from dashboard.views import figures
from dashboard.views import goals as gv
from dashboard.views import outcomes as ov
from dashboard.views import self_check as sc
from dashboard.views.activity import metric_labels
from dashboard.views.uploads import problem_lines
from dashboard.web import charts, ui

st.title("Rep self-check")
with ui.friendly_errors():
    viewer = ui.viewer()
    store = ui.get_store()
    viewer.require("self_check")
    # Only the people this viewer may open: a rep, themself; a manager, their teams.
    reps = sc.people_for(store, viewer)
    first, last = ui.date_range(store)
    config = load_config()
    if reps.empty and viewer.role == "admin":
        ui.empty_store_message()
    labels = sc.rep_labels(reps)
    ids = list(labels)
    wanted = ui.param_int("rep")
    if wanted is not None and wanted not in ids:  # the same words whether anyone has that id
        st.warning("That self-check is not one you may open; showing the ones you may open.")
    s1, s2 = st.columns([3, 1])
    if viewer.role == "rep":
        rep_id = viewer.rep_id if viewer.rep_id in ids else None
        s1.markdown(f"**{ui.md_text(labels.get(rep_id, 'Your self-check'))}**")
    else:
        if st.session_state.get("rep") not in ids:  # a stale or forged value names no one
            st.session_state.pop("rep", None)
        rep_id = s1.selectbox("Whose self-check?", ids,
                              index=ids.index(wanted) if wanted in ids else None,
                              format_func=labels.get, placeholder="Choose a name", key="rep")  # fmt: skip
    if rep_id is not None and rep_id not in ids:  # a forged widget value
        rep_id = None
    as_of = None
    if "saved_day" in st.session_state:  # a reading just saved: show the day it is of
        saved = st.session_state.pop("saved_day")
        if last is not None and saved <= last:
            st.session_state.pop("me_as_of", None)  # the picker starts again from the URL
            st.query_params["as_of"] = saved.isoformat()
    if last is not None:
        default = rep_as_of(store, rep_id) if rep_id is not None else None
        as_of = s2.date_input("As of", value=ui.param_date("as_of", first, last, default),
                              min_value=first, max_value=last, key="me_as_of")  # fmt: skip
    if rep_id is not None:
        st.query_params.from_dict({"rep": str(rep_id), "as_of": as_of.isoformat() if as_of else ""})

    for i, message in enumerate(st.session_state.pop("saved_flash", [])):
        (st.success if i == 0 else st.warning)(ui.md_text(message))

    summary = None
    if rep_id is not None:
        try:
            summary = sc.summary_for(store, viewer, rep_id, as_of)
        except NotFoundError as exc:
            st.info(ui.md_text(f"{exc}."))

    if summary:
        r = summary.reading
        t = sc.standing_text(summary, config)
        if t.unlisted:
            st.info(ui.md_text(t.unlisted))
        g1, g2 = st.columns([2, 3])
        drawn = figures.self_check_pillars(summary, config)
        g1.plotly_chart(drawn["gauge"], key="gauge")
        m = g2.columns(3)
        delta = display.change(r["ssi_change_7d"], missing="")
        m[0].metric("SSI", display.score(r["ssi"]), delta=delta or None,
                    delta_color="off" if delta == "0.0" else "normal", help=t.change_7d)  # fmt: skip
        m[1].metric(
            "Rank in your team", t.team_rank, help=ui.md_text(t.team_rank_help)
        )  # a team name is text
        m[2].metric("Rank in the company", t.company_rank, help=ui.md_text(t.company_rank_help))
        m = g2.columns(3)
        m[0].metric("Industry rank", ui.fmt(r["industry_rank"], "Top {:.0f}%"),
                    help="LinkedIn's own rank among people in your industry, from your export")  # fmt: skip
        m[1].metric("Network rank", ui.fmt(r["network_rank"], "Top {:.0f}%"),
                    help="LinkedIn's own rank among your connections, from your export")  # fmt: skip
        m[2].metric("Reading of", str(r["as_of"]), help=t.age)
        g2.markdown(f"**Balance:** {ui.md_text(t.balance)}. **Band:** {ui.md_text(r['band'])}.")
        g2.markdown(f"**Forecast:** {ui.md_text(t.forecast)}.")
        # Made on click: a PDF takes a second, which a rerun should not pay.
        g2.download_button(
            "Download PDF", ui.made_on_click(lambda at: self_check_pdf(at, viewer, rep_id, as_of)),
            f"self_check_{summary.viewed_as_of}.pdf", "application/pdf",
            icon=":material/picture_as_pdf:", on_click="ignore", key="self_check_pdf",
        )  # fmt: skip

        p1, p2 = st.columns([3, 2])
        p1.plotly_chart(drawn["pillars"], key="pillars")
        p2.plotly_chart(drawn["groups"], key="groups")
        withheld = sc.withheld_groups(summary, config)
        if withheld:
            st.caption(ui.md_text(withheld))

        viewed = date.fromisoformat(summary.viewed_as_of)
        # One chart at a time, drawn when its tab is chosen (a rerun).
        mine = rep_against_team(store, rep_id, r["as_of"] or as_of, 12, config)
        over_time = ["SSI over time", *(["Activity against your team"] if not mine.empty else [])]
        trend_tab, *activity_tab = st.tabs(over_time, key="over_time", on_change="rerun")
        if trend_tab.open:
            trend_tab.plotly_chart(figures.self_check_trend(store, viewer, rep_id, summary),
                                   key="trend")  # fmt: skip
        if activity_tab and activity_tab[0].open:
            activity_tab[0].plotly_chart(charts.activity_against_team(mine, metric_labels(store)),
                                         key="activity")  # fmt: skip
        goals = gv.rep_goals(store, viewer, rep_id, summary.team, viewed)
        if goals:
            st.subheader("Goals")
            ui.goals_table(gv.goals_table(goals, activity_labels(store)), key="my_goals")
            st.caption(sc.GOALS_NOTE)

        own = ov.own_outcomes(store, viewer, rep_id)
        if own is not None:
            st.subheader("Deals")
            for line in ov.own_outcome_lines(own):
                st.markdown(ui.md_text(line))
            if len(own.deals):
                with st.expander(f"Deals of {own.period.words} ({len(own.deals):,})"):
                    st.dataframe(own.deals.drop(columns=["rep", "crm"]), hide_index=True,
                                 key="my_deals", column_config={
                        "deal": "Deal", "account": "Account", "stage": "Stage",
                        "status": "Status",
                        "value": st.column_config.NumberColumn(f"Value ({own.currency})",
                                                               format="%,.0f"),
                        "amount": st.column_config.NumberColumn("Amount", format="%,.0f"),
                        "currency": "Currency", "created_day": "Created", "closed_day": "Closed",
                    })  # fmt: skip

        if viewer.role == "rep":
            ranking_text, ranking = sc.team_ranking(store, viewer, as_of)
            st.subheader("Your team")
            st.markdown(ui.md_text(ranking_text))
            with st.expander("The team's ranking"):
                st.dataframe(ranking, hide_index=True, key="team_ranking", column_config={
                    "rank": st.column_config.NumberColumn("Rank", width="small"), "rep": "Rep",
                    "ssi": st.column_config.NumberColumn("SSI", format="%.1f")})  # fmt: skip

        st.subheader("What to do next")
        steps, all_done = sc.next_steps(summary, config)
        if not steps:
            st.success(all_done)
        else:
            # A list, not a table: whole sentences on a phone, gains beside them.
            st.markdown("\n".join(f"{i}. {ui.md_text(line)}" for i, line in enumerate(steps, 1)))
            st.caption("Gains are estimated points on the pillar, from our model of activity; "
                       "a pillar cannot pass 25, so the gains shown never add up past it.")  # fmt: skip
        if summary.estimate:
            est = summary.estimate
            st.caption(f"Estimated SSI from your activity: {display.score(est['ssi'])} (an "
                       "estimate: LinkedIn publishes no formula; see About the scores). "
                       f"Reported SSI: {display.score(r['ssi'])}.")  # fmt: skip
            with st.expander("How your estimate is made (estimated, last 30 days of activity)"):
                st.dataframe(pd.DataFrame(summary.estimate_inputs), hide_index=True, column_config={
                    "pillar": "Pillar", "input": "Input",
                    "value": st.column_config.NumberColumn("Your value", format="%.1f"),
                    "target": st.column_config.NumberColumn("Target", format="%g"),
                    "weight": st.column_config.NumberColumn("Weight", format="%.2f"),
                    "level": st.column_config.ProgressColumn("Level", min_value=0, max_value=1),
                    "points": st.column_config.NumberColumn("Points (of 25)", format="%.1f"),
                    "gain_at_target": st.column_config.NumberColumn("Gain at target", format="+%.1f"),
                }, key="estimate_table")  # fmt: skip
        for sig in summary.signals:
            st.warning(ui.md_text(f"{sig['signal']}: {sig['detail']}"))

    if rep_id is None and viewer.role != "admin":
        # Only an admin records a reading for a person who has none yet.
        if viewer.role == "rep":
            st.info("Your account is not linked to a person with readings; ask your admin.")
        st.stop()
    # Plain widgets, not a form: the pillar sum is shown while the numbers are typed.
    st.subheader("Record a reading by hand")
    teams_known = sorted(reps["team"].dropna().unique().tolist()) if not reps.empty else []
    if rep_id is not None:
        me = reps[reps["rep_id"] == rep_id].iloc[0]
        name, team = me["name"], me["team"]
        other = "" if viewer.role == "rep" else ' Someone else? Clear "Whose self-check?" above.'
        st.markdown(f"For **{ui.md_text(labels[rep_id])}**.{other}")
    else:
        st.markdown("For a person who has no reading yet (or choose your name above).")
        n1, n2 = st.columns(2)
        name = n1.text_input("Name", key="rec_name")
        team = n2.selectbox("Team", teams_known, index=None, accept_new_options=True,
                            placeholder="Choose or type a team", key="rec_team")  # fmt: skip
    c = st.columns([1, 1, 2])
    day = c[0].date_input("Date", value=date.today(), key="rec_day")
    ssi = c[1].number_input("SSI (0-100)", value=None, min_value=0.0, max_value=100.0, step=0.1,
                            key="rec_ssi", help="Leave empty to use the sum of the pillars")  # fmt: skip
    c = st.columns(4)
    values = {p: c[i].number_input(f"{PILLAR_LABELS[p]} (0-25)", value=None, min_value=0.0,
                                   max_value=25.0, step=0.1, key=f"rec_{p}")
              for i, p in enumerate(PILLARS)}  # fmt: skip
    st.caption(ui.md_text(sc.pillar_sum_text(ssi, values)))
    if st.button("Save reading", type="primary", disabled=not (name or "").strip(), key="rec_save"):
        try:
            result = record_reading(store, viewer, rep_id, day, ssi, values, name,
                                    team)  # fmt: skip
        except ImportRejectedError as exc:
            st.error("The reading was not saved:")
            st.markdown("\n".join(f"- {ui.md_text(line)}" for line in problem_lines(exc.problems)))
        else:
            # Drawn again from the top, as of the saved day: the page above shows the reading.
            st.session_state["saved_day"] = day
            st.session_state["saved_flash"] = [
                result.summary(),
                *(w.message for w in result.warnings),
            ]
            st.rerun()
