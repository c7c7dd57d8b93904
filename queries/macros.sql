-- The importer's SQL macros. Applied on every connect (Store.apply_macros), not by a
-- migration: change a macro here and every store picks it up at its next start.

-- Parses numbers as people type them: 45%, 1,234 and, in decimal-comma files, 20,5.
create or replace macro ssi_clean_number(raw) as regexp_replace(trim(raw), '[%\s]', '', 'g');
create or replace macro ssi_number_slow(raw, comma_decimal) as case
    when ssi_clean_number(raw) = '' then null
    when comma_decimal and regexp_full_match(ssi_clean_number(raw), '[+-]?\d{1,3}(\.\d{3})+(,\d+)?')
        then try_cast(replace(replace(ssi_clean_number(raw), '.', ''), ',', '.') as double)
    when comma_decimal and regexp_full_match(ssi_clean_number(raw), '[+-]?\d*,\d+')
        then try_cast(replace(ssi_clean_number(raw), ',', '.') as double)
    when not comma_decimal and regexp_full_match(ssi_clean_number(raw), '[+-]?\d{1,3}(,\d{3})+(\.\d+)?')
        then try_cast(replace(ssi_clean_number(raw), ',', '') as double)
    when regexp_full_match(ssi_clean_number(raw), '[+-]?(\d+\.?\d*|\.\d+)')
        then try_cast(ssi_clean_number(raw) as double)
    else null end;
-- Fast path first: most cells are plain numbers that a cast reads directly.
create or replace macro ssi_number(raw, comma_decimal) as case
    when raw is null then null
    when not comma_decimal then coalesce(try_cast(raw as double), ssi_number_slow(raw, false))
    when not contains(raw, '.')
        then coalesce(try_cast(replace(raw, ',', '.') as double), ssi_number_slow(raw, true))
    else ssi_number_slow(raw, true) end;
-- The date part of a cell that may carry a time: '3/7/26, 9:15 AM', '2026-03-07 09:15:02 UTC'.
create or replace macro ssi_date_text(raw) as case
    when contains(raw, ':') then regexp_replace(trim(raw), '([ T,]+\d{1,2}:\d{2}.*)$', '')
    else trim(raw) end;
