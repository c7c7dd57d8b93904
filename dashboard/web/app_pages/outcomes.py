"""Outcomes, for admins, managers and viewers: deals from the CRM beside SSI and activity,
and how they compare between reps. Filters live in the URL, like the team review."""

from datetime import date

import streamlit as st

from dashboard import display
from dashboard.export import to_csv_bytes, to_xlsx_bytes
from dashboard.views import outcomes as ov
from dashboard.views.team_review import team_names
from dashboard.web import charts, ui

st.title("Outcomes")
st.caption("Deals from your CRM (Salesforce, HubSpot, Pipedrive exports) beside SSI and "
           "activity. Every comparison is between reps and is not proof of cause.")  # fmt: skip
with ui.friendly_errors():
    viewer = ui.viewer()
    store = ui.get_store()
    viewer.require("outcomes")
    teams_all = viewer.visible_teams(team_names(store))
    f1, f2 = st.columns([3, 2])
    url_teams = [t for t in st.query_params.get_all("team") if t in teams_all]
    teams = f1.multiselect("Teams", teams_all, default=url_teams, key="teams",
                           placeholder="All your teams" if viewer.role == "manager" else "All teams")  # fmt: skip
    quarters = ov.deal_quarters(store)
    if not quarters:
        st.info("No deals yet. An admin uploads a CRM export (a Salesforce opportunity report, a "
                "HubSpot or Pipedrive deals export) on the Upload page; its owners are matched to "
                "reps by e-mail or name.")  # fmt: skip
        st.stop()
    chosen = ov.default_period(store)
    try:
        start, end = (date.fromisoformat(st.query_params[k]) for k in ("from", "to"))
        if start <= end:
            chosen = ov.Period(start, end)
    except (KeyError, ValueError):
        pass
    options = quarters if chosen in quarters else [chosen, *quarters]
    period = f2.selectbox("Period", options, index=options.index(chosen), key="period",
                          format_func=lambda p: f"{p.words} ({p.start:%d %b} to {p.end:%d %b %Y})")  # fmt: skip
    st.query_params.from_dict({"team": teams, "from": period.start.isoformat(),
                               "to": period.end.isoformat()})  # fmt: skip
    view = ov.outcomes_view(store, teams, period, viewer)
    cur = view.currency
    t = view.totals
    c = st.columns(3)
    c[0].metric("Deals created", f"{t.deals_created:,}", help="Created in the period")
    c[1].metric("Created amount", display.money(t.created_amount, cur))
    c[2].metric("Sales cycle", f"{ui.fmt(t.cycle_days, '{:.0f}')} days",
                help="Created to won, on average over the deals won in the period")  # fmt: skip
    c = st.columns(3)
    c[0].metric("Deals won", f"{t.deals_won:,}", help=f"{t.deals_lost:,} lost in the period")
    c[1].metric("Won amount", display.money(t.won_amount, cur),
                help=f"Average won deal: {display.money(t.average_won, cur)}")  # fmt: skip
    c[2].metric("Win rate", ui.fmt(t.win_rate, "{:.0%}"),
                help="Won of the deals won or lost in the period")  # fmt: skip
    st.caption(f"{view.period.words}: deals created or closed from {view.period.start} to "
               f"{view.period.end}, {t.reps} reps. SSI and {view.activity_label} are read over "
               f"{view.period.lag_words}, the period before. Amounts in {cur}.")  # fmt: skip

    st.subheader("Does social selling go with winning deals?")
    b1, b2 = st.columns([3, 2])
    b1.plotly_chart(charts.outcome_bands(view.bands, cur), key="bands")
    for comparison in ov.outcome_comparisons(store, teams, period, viewer):
        b2.markdown(f"**{ui.md_text(comparison.predictor)} → {ui.md_text(comparison.outcome)}** "
                    f"(n = {comparison.n})")  # fmt: skip
        b2.caption(ui.md_text(comparison.sentence))
    if not viewer.sees_people:
        st.caption("Company figures only: this role sees no person and no deal.")
    elif len(view.reps):
        s1, s2 = st.columns(2)
        s1.plotly_chart(charts.outcome_scatter(view.reps, "ssi_lag", "SSI", "won_amount",
                                               "won amount", cur), key="ssi_won")  # fmt: skip
        s2.plotly_chart(charts.outcome_scatter(view.reps, "activity_lag",
                                               view.activity_label.capitalize(), "won_amount",
                                               "won amount", cur), key="activity_won")  # fmt: skip

    st.subheader("Per team")
    st.dataframe(ov.shown_rates(view.teams_table), hide_index=True, column_config={
        "team": "Team", "reps": "Reps", "deals_created": "Created",
        "created_amount": st.column_config.NumberColumn(f"Created ({cur})", format="%,.0f"),
        "deals_won": "Won",
        "won_amount": st.column_config.NumberColumn(f"Won ({cur})", format="%,.0f"),
        "win_rate": st.column_config.NumberColumn("Win rate", format="%.0f%%"),
        "average_won": st.column_config.NumberColumn(f"Average won ({cur})", format="%,.0f"),
        "ssi_start": st.column_config.NumberColumn("SSI at start", format="%.1f"),
    })  # fmt: skip
    if view.withheld:
        st.caption(f"Not shown: {', '.join(view.withheld)}, with fewer reps than a team's "
                   "figures need to hide each person's own.")  # fmt: skip
    if not viewer.sees_people:
        st.stop()

    st.subheader("Per rep")
    st.dataframe(ov.shown_rates(view.reps[ov.REP_COLUMNS]), hide_index=True,
                 height=min(35 * (len(view.reps) + 1) + 3, 560), column_config={
        "rep": "Rep", "email": None, "team": "Team", "deals_created": "Created",
        "created_amount": st.column_config.NumberColumn(f"Created ({cur})", format="%,.0f"),
        "deals_won": "Won",
        "won_amount": st.column_config.NumberColumn(f"Won ({cur})", format="%,.0f"),
        "win_rate": st.column_config.NumberColumn("Win rate", format="%.0f%%"),
        "average_won": st.column_config.NumberColumn(f"Average won ({cur})", format="%,.0f"),
        "cycle_days": st.column_config.NumberColumn("Cycle (days)", format="%.0f",
                                                    help="Created to won, won deals"),
        "ssi_start": st.column_config.NumberColumn("SSI at start", format="%.1f"),
        "ssi_change": st.column_config.NumberColumn("SSI change", format="%+.1f"),
        "activity": st.column_config.NumberColumn(view.activity_label.capitalize(), format="%.0f"),
    })  # fmt: skip
    export = ov.export_table(view)
    name = f"outcomes_{view.period.start}_{view.period.end}"
    d1, d2, _ = st.columns([1, 1, 4])
    d1.download_button("Download CSV", to_csv_bytes(export), f"{name}.csv", "text/csv")
    d2.download_button("Download XLSX", lambda: to_xlsx_bytes(export, "Outcomes"), f"{name}.xlsx",
                       "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")  # fmt: skip

    with st.expander(
        f"Deals of the period ({len(view.deals):,}"
        f"{', the newest' if len(view.deals) >= ov.DEALS_LISTED else ''})"
    ):
        st.dataframe(view.deals, hide_index=True, column_config={
            "deal": "Deal", "account": "Account", "rep": "Owner", "stage": "Stage",
            "status": "Status",
            "value": st.column_config.NumberColumn(f"Value ({cur})", format="%,.0f"),
            "amount": st.column_config.NumberColumn("Amount", format="%,.0f"),
            "currency": "Currency", "created_day": "Created", "closed_day": "Closed",
            "crm": "CRM",
        })  # fmt: skip
