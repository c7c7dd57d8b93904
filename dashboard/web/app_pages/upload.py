"""Upload: check files, fix the column mapping, import with progress, undo."""

import secrets

import pandas as pd
import streamlit as st

from dashboard import DATA_DIR
from dashboard.actions.imports import undo
from dashboard.errors import DashboardError, unlisted_count
from dashboard.views import uploads
from dashboard.web import ui

SHOWN_WARNINGS = 5  # more than this go into an expander


def show_problems(problems: list, total: int, kind: str) -> None:
    """Problems as a list of whole sentences: on a phone nothing is cut off."""
    text = "\n".join(f"- {ui.md_text(line)}" for line in uploads.problem_lines(problems))
    more = unlisted_count(problems, total)
    if more > 0:
        text += f"\n- ... and {more:,} more {kind}(s)"
    st.markdown(text)


st.title("Upload")
st.markdown(
    "Accepted: team SSI or usage exports (CSV, TSV, XLSX; one row per person, by day, week "
    "or date range), Sales Navigator seat lists and Analytics activity exports (upload the "
    "seat list first), a personal SSI history from a tracker (also one metric per row), the "
    "SSI page's JSON, our template, and deals from a CRM (a Salesforce opportunity report, a "
    "HubSpot or Pipedrive deals export). Files with any error are not imported at all; "
    "warnings do not block."
)
with ui.friendly_errors():
    viewer = ui.viewer()
    store = ui.get_store()
    viewer.require("upload")
    for message, ok in st.session_state.pop("import_results", []):
        (st.success if ok else st.error)(ui.md_text(message))

    t1, t2 = st.columns([1, 3])
    template = (DATA_DIR / "samples" / "template.csv").read_bytes()
    t1.download_button("Download the template", template, "ssi_template.csv", "text/csv")
    t2.caption("Template columns: date, name, email, team, ssi, brand, people, insights, "
               "relationships, industry_rank, network_rank. One row per person per day.")  # fmt: skip

    with st.expander("For files that do not say who, which team or which day"):
        o = st.columns(3)
        rep = o[0].text_input("Person (for one-person files)", key="opt_rep")
        team = o[1].text_input("Team (for rows without one)", key="opt_team")
        day = o[2].date_input("Date (for files without a date column)", value=None, key="opt_day")
    with st.expander("For deal files from a CRM: currencies"):
        d = st.columns(2)
        rates_text = d[0].text_input("Exchange rates", key="opt_rates", placeholder="EUR=1.08, GBP=1.27",
                                     help="Units of the store's currency per unit of another; "
                                          "amounts are never added across currencies")  # fmt: skip
        currency = d[1].text_input("Currency of amounts that name none", key="opt_currency",
                                   max_chars=3, placeholder="the store's")  # fmt: skip
        try:
            rates = uploads.parse_rates(rates_text)
        except DashboardError as exc:
            d[0].error(ui.md_text(exc))
            rates = ()
    owner_maps = st.session_state.setdefault("owner_maps", {})

    # A new key after each import empties the chooser, so what is shown is what is pending.
    round_ = st.session_state.setdefault("upload_round", 0)
    files = st.file_uploader("Files to import", accept_multiple_files=True, key=f"files_{round_}",
                             type=["csv", "tsv", "txt", "xlsx", "json"])  # fmt: skip
    session = st.session_state.setdefault("upload_session", secrets.token_hex(8))
    folder = uploads.upload_folder(ui.get_store().path, session)
    mappings = st.session_state.setdefault("mappings", {})
    # Checks are kept in the session, keyed by what they depend on, the store's version
    # included; the file itself is on disk only while a check or an import reads it.
    done = st.session_state.setdefault("upload_checks", {})
    version = ui.get_store().version
    checked = []
    for upload in files or []:
        key = upload.file_id  # two uploads with the same name keep their own mappings
        overrides = mappings.get(key, {})
        deals = uploads.DealInputs(tuple(sorted(owner_maps.get(key, {}).items())), rates,
                                   currency.strip().upper() or None)  # fmt: skip
        asked = (key, tuple(sorted(overrides.items())), rep, team, day, deals, viewer, version)
        if asked not in done:
            done[asked] = uploads.check_upload(store, viewer, folder, upload.name,
                                               upload.getvalue(), rep, team, day, asked[1],
                                               deals)  # fmt: skip
        held = done[asked]
        check = held.check
        checked.append((upload, check, overrides, deals))
        with st.container(border=True):
            st.markdown(f"#### {ui.md_text(upload.name)}")
            if check.ok:
                res = check.result
                st.markdown(f"Detected: **{ui.md_text(res.format)}**. " +
                            "; ".join(ui.md_text(n) for n in res.notes) + ".")  # fmt: skip
                if res.imported_before is not None:
                    st.info(f"Imported before (import #{res.imported_before}); importing it "
                            "again changes nothing.")  # fmt: skip
                else:
                    st.markdown(f"Ready: {res.rows_loaded} new, {res.rows_updated} updated, "
                                f"{res.rows_skipped} skipped of {res.rows_read} rows.")  # fmt: skip
            else:
                fix = "choose the deal owners below" if held.deals else "fix the mapping below"
                st.error(f"{check.total_errors:,} error(s): this file would not be imported. "
                         f"Fix the file and upload it again, or {fix}.")  # fmt: skip
                show_problems(check.errors, check.total_errors, "error")
                unmatched = uploads.owners_to_map(check)
                if unmatched:
                    st.markdown(
                        "**Deal owners** (choose the rep each is, or leave their deals out)"
                    )
                    owners = pd.DataFrame({"owner": unmatched, "rep": [None] * len(unmatched)})
                    chosen = st.data_editor(owners, hide_index=True, key=f"owners_{key}",
                        disabled=["owner"], column_config={
                            "owner": "Owner in the file",
                            "rep": st.column_config.SelectboxColumn(
                                "Rep", options=[uploads.LEAVE_OUT, *uploads.rep_emails(store, viewer)]),
                        })  # fmt: skip
                    picked = uploads.owner_choices(chosen)
                    if picked:
                        owner_maps[key] = {**owner_maps.get(key, {}), **picked}
                        st.rerun()
            if check.ok and check.result.warnings:
                res = check.result
                st.warning(f"{res.warning_count:,} warning(s); they do not block the import.")
                shown = res.warnings[:SHOWN_WARNINGS]
                show_problems(shown, sum(w.stands_for for w in shown), "warning")
                if len(res.warnings) > SHOWN_WARNINGS:
                    with st.expander(f"All {res.warning_count:,} warnings"):
                        show_problems(res.warnings, res.warning_count, "warning")
            original = held.columns
            if held.deals:  # deal columns are read by their CRM names: nothing to choose
                st.markdown("**How each column is read**")
                st.dataframe(original, hide_index=True, key=f"map_{key}", column_config={
                    "column": st.column_config.NumberColumn("#", width="small"),
                    "header": "Header", "field": "Read as", "how": "How"})  # fmt: skip
            else:
                st.markdown("**How each column is read** (change *Read as* to fix a column)")
                edited = st.data_editor(
                    original, hide_index=True, key=f"map_{key}", disabled=["column", "header", "how"],
                    column_config={
                        "column": st.column_config.NumberColumn("#", width="small"),
                        "header": "Header",
                        "field": st.column_config.SelectboxColumn(
                            "Read as", options=uploads.FIELD_CHOICES,
                            help="Choose a field for headers it does not know"),
                        "how": "How"},
                )  # fmt: skip
                changed = uploads.mapping_overrides(edited, original)
                if changed and changed != overrides:
                    mappings[key] = {**overrides, **changed}
                    st.rerun()
            with st.expander("Preview"):
                st.dataframe(held.preview, hide_index=True)

    pending = {c[0].file_id for c in checked}
    for asked in [a for a in done if a[0] not in pending or a[-1] != version]:
        del done[asked]  # files taken out of the chooser, and checks of an older store
    uploads.sweep_uploads(folder)
    ready = [c for c in checked if c[1].ok and c[1].result.imported_before is None]
    if checked:
        go = st.button(
            f"Import {len(ready)} file(s)", type="primary", disabled=not ready, key="import"
        )
        if go:
            bar = st.progress(0.0, text="Importing")
            results = []
            for i, (upload, _, overrides, deals) in enumerate(ready, start=1):
                name = upload.name
                try:
                    result = uploads.import_held_upload(store, viewer, folder, name,
                                                        upload.getvalue(), rep, team, day,
                                                        overrides, deals)  # fmt: skip
                    results.append((result.summary(), True))
                except DashboardError as exc:
                    results.append((f"{name}: {exc}", False))
                bar.progress(i / len(ready), text=f"Imported {i} of {len(ready)}")
            st.session_state["import_results"] = results
            st.session_state["upload_round"] = round_ + 1
            if any(ok for _, ok in results):
                ui.alerts_after_import()
            st.rerun()

    st.subheader("Import history")
    if "flash" in st.session_state:  # the result of an undo, shown after the rerun
        st.success(ui.md_text(st.session_state.pop("flash")))
    log = uploads.import_log(store)
    if log.empty:
        st.caption("No imports yet.")
    else:
        st.dataframe(log, hide_index=True, key="history", column_config={
            "import_id": st.column_config.NumberColumn("Import", format="#%d", width="small"),
            "status": st.column_config.TextColumn("Status", width="small"),
            "imported_at": st.column_config.DatetimeColumn("When", format="YYYY-MM-DD HH:mm"),
            "file_name": "File", "rows_loaded": "New", "rows_updated": "Updated",
            "rows_skipped": "Skipped", "warnings": "Warnings", "format": "Detected as",
        })  # fmt: skip
        if not viewer.may("undo"):
            st.stop()
        loaded = log[log["status"] == "loaded"]
        u1, u2 = st.columns([2, 1], vertical_alignment="bottom")
        target = u1.selectbox("Undo an import", loaded["import_id"].tolist(), index=None,
                              format_func=lambda i: f"#{i} {loaded.set_index('import_id').loc[i, 'file_name']}",
                              placeholder="Choose an import", key="undo_id")  # fmt: skip
        if u2.button("Undo", disabled=target is None, key="undo"):
            st.session_state["flash"] = undo(store, viewer, int(target))
            st.rerun()
