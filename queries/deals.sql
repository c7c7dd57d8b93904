-- Queries of a CRM deal import (dashboard/ingest/deal_file.py): the export's cells
-- (stage_raw), typed, checked, their owners matched to reps, and merged into deals by the
-- CRM's id, what they replace kept in deal_history for undo.

-- name: deal_cell
-- One of the export's columns, by position, in stage_deal_cells: trimmed, as it names a
-- deal, a person or a stage.
-- slot cell: name
nullif(trim({cell}), '')

-- name: deal_cell_as_written
-- A column read as written: an amount or a date, whose readers trim it themselves
-- (ssi_amount_text, ssi_date_text; a cast), so the file's every cell is not trimmed twice.
-- slot cell: name
nullif({cell}, '')

-- name: no_deal_cell
-- A column the export does not have.
cast(null as varchar)

-- name: stage_deal_cells
-- The cells a deal is read from, one fragment per deal column (deal_cell or no_deal_cell).
-- A view: the cells are read once more by each check, not copied (bench/test_deal_scale.py).
-- Rows with no id, stage, status or creation day are no deal: a report's totals and notes
-- ("Grand Totals (6 records)", "Confidential Information"), left out here and counted by
-- rows_without_a_deal.
-- slot crm_id: fragment
-- slot name: fragment
-- slot account: fragment
-- slot owner: fragment
-- slot owner_email: fragment
-- slot stage: fragment
-- slot status: fragment
-- slot won: fragment
-- slot closed: fragment
-- slot amount: fragment
-- slot currency: fragment
-- slot created: fragment
-- slot close_date: fragment
-- slot won_time: fragment
-- slot lost_time: fragment
create or replace temp view stage_deal_cells_all as
select line, {crm_id} as crm_id, {name} as name, {account} as account, {owner} as owner,
       lower({owner_email}) as owner_email, {stage} as stage, lower({status}) as status_cell,
       {won} as won_cell, {closed} as closed_cell, {amount} as amount_cell,
       {currency} as currency_cell, {created} as created_cell, {close_date} as close_cell,
       {won_time} as won_time_cell, {lost_time} as lost_time_cell
from stage_raw;
create or replace temp view stage_deal_cells as
select * from stage_deal_cells_all
where crm_id is not null or stage is not null or status_cell is not null
   or closed_cell is not null or created_cell is not null;

-- name: rows_without_a_deal
-- How many rows are no deal (stage_deal_cells), the first of them, and whether every amount
-- is a plain number (1200.50, 1200): read alike with either decimal mark, so the mark need
-- not be decided (deal_amounts_comma_decimal reads every cell).
select count(*) filter (where crm_id is null and stage is null and status_cell is null
                          and closed_cell is null and created_cell is null) as rows,
       min(line) filter (where crm_id is null and stage is null and status_cell is null
                           and closed_cell is null and created_cell is null) as first_line,
       count(*) filter (where amount_cell is not null
                          and try_cast(amount_cell as double) is null) = 0 as all_plain
from stage_deal_cells_all;

-- name: deal_date_cells
-- The distinct date cells of the export, for the vote on its one date format: each
-- column's distinct cells first, trimmed after (a few hundred dates in a million cells).
-- slot cells: fragments " union "
create or replace temp table stage_date_cells as
select distinct nullif(trim(cell), '') as cell from ({cells}) as t(cell)
where nullif(trim(cell), '') is not null;

-- name: no_date_cells
select cast(null as varchar)

-- name: distinct_cells_of
-- slot cell: name
select distinct {cell} from stage_raw

-- name: deal_amounts_comma_decimal
-- Whether the amounts are written with a decimal comma (1.200,50 or 1200,5): some amount
-- ends in a comma and one or two digits and none in a point and one or two digits.
select count(*) filter (where regexp_matches(ssi_amount_text(amount_cell), ',\d{1,2}$')
                           or regexp_full_match(ssi_amount_text(amount_cell), '\d{1,3}(\.\d{3})+(,\d+)?'))
           > 0
       and count(*) filter (where regexp_matches(ssi_amount_text(amount_cell), '\.\d{1,2}$')) = 0
from stage_deal_cells where amount_cell is not null;



-- name: type_deals
-- Typed deals. The status: Salesforce's Closed and Won flags when the row has them, else
-- Pipedrive's Status (open, won, lost, deleted), else the stage against the won and lost
-- stages of scoring.toml ($won_stages, $lost_stages, as ssi_stage_key). The day a deal
-- closed: Pipedrive's won or lost time, else the close date (a Salesforce or HubSpot close
-- date of an open deal is only expected, and not kept).
-- slot date_format: text
create or replace temp table stage_deals as
with typed as (
    select *,
           case when not $comma_decimal then try_cast(amount_cell as double) end as plain_amount,
           coalesce(plain_amount, ssi_number(ssi_amount_text(amount_cell), $comma_decimal))
               as amount,
           upper(coalesce(currency_cell, ssi_amount_currency(amount_cell), $file_currency))
               as currency,
           cast(try_strptime(ssi_date_text(created_cell), {date_format}) as date) as created_day,
           cast(try_strptime(ssi_date_text(close_cell), {date_format}) as date) as close_day,
           cast(try_strptime(ssi_date_text(won_time_cell), {date_format}) as date) as won_day,
           cast(try_strptime(ssi_date_text(lost_time_cell), {date_format}) as date) as lost_day,
           case
               when closed_cell is not null then case when not ssi_flag(closed_cell) then 'open'
                                                      when ssi_flag(won_cell) then 'won'
                                                      else 'lost' end
               when status_cell is not null then
                   case when status_cell in ('open', 'won', 'lost', 'deleted') then status_cell end
               when list_contains($won_stages, ssi_stage_key(stage)) then 'won'
               when list_contains($lost_stages, ssi_stage_key(stage)) then 'lost'
               when stage is not null then 'open'
           end as status
    from stage_deal_cells
)
select * exclude (won_cell, closed_cell, currency_cell, plain_amount),
       case status when 'won' then coalesce(won_day, close_day)
                   when 'lost' then coalesce(lost_day, close_day) end as closed_day
from typed;

-- name: deal_problems
-- Rows that cannot be deals: the first $listed of each kind, and how many there are. The
-- headers of the columns are bound ($h_<column>) and the date format's label ($date_label).
select line, column_name, value, expected, count(*) over (partition by column_name, expected)
from (
    select line, $h_crm_id as column_name, null as value, 'the deal''s id' as expected
    from stage_deals where crm_id is null
    union all
    select d.line, $h_crm_id, d.crm_id,
           'one row per deal: line ' || f.first_line || ' has this id too'
    from stage_deals d
    join (select crm_id, min(line) as first_line from stage_deals where crm_id is not null
          group by crm_id having count(*) > 1) f using (crm_id)
    where d.line > f.first_line
    union all
    select line, $h_owner, null, 'the deal''s owner (a rep''s name or e-mail)'
    from stage_deals where owner is null and owner_email is null
    union all
    select line, $h_amount, amount_cell, 'an amount: a number such as 12500 or 12,500.00'
    from stage_deals where amount_cell is not null and amount is null
    union all
    select line, $h_amount, amount_cell, 'an amount of 0 or more'
    from stage_deals where amount < 0
    union all
    select line, $h_currency, currency, 'a three-letter currency code such as USD or EUR'
    from stage_deals where amount is not null and not regexp_full_match(currency, '[A-Z]{3}')
    union all
    select line, $h_created, null, 'the day the deal was created'
    from stage_deals where created_cell is null
    union all
    select line, $h_created, created_cell, 'a date written ' || $date_label
    from stage_deals where created_cell is not null and created_day is null
    union all
    select line, $h_created, created_cell, 'a day no later than ' || $last_day || ' (today)'
    from stage_deals where created_day > cast($last_day as date)
    union all
    select line, $h_close_date, close_cell, 'a date written ' || $date_label
    from stage_deals where close_cell is not null and close_day is null
    union all
    select line, $h_won_time, won_time_cell, 'a date written ' || $date_label
    from stage_deals where won_time_cell is not null and won_day is null
    union all
    select line, $h_lost_time, lost_time_cell, 'a date written ' || $date_label
    from stage_deals where lost_time_cell is not null and lost_day is null
    union all
    select line, $h_status, status_cell, 'open, won, lost or deleted'
    from stage_deals where status is null and status_cell is not null
    union all
    select line, $h_stage, null, 'the deal''s stage'
    from stage_deals where status is null and status_cell is null
    union all
    select line, $h_close_date, close_cell, 'the day a ' || status || ' deal closed'
    from stage_deals where status in ('won', 'lost') and closed_day is null
        and coalesce(close_cell, won_time_cell, lost_time_cell) is null
)
window kind as (partition by column_name, expected order by line)
qualify row_number() over kind <= $listed
order by line;

-- name: deals_closed_before_created
-- Closed deals whose close day comes before their creation (a CRM lets both be edited):
-- kept, without a cycle length. How many, and the first line.
select count(*), min(line) from stage_deals where closed_day < created_day;

-- name: deal_currencies
-- The file's currencies: rows and first line of each.
select currency, count(*) as rows, min(line) as first_line
from stage_deals where currency is not null and status is distinct from 'deleted'
group by currency order by rows desc, currency;

-- name: store_currency
-- The one currency the store's deal values are in (none while it has no deal).
select min(store_currency) from deals;

-- name: deal_owners
-- Each owner of the file once, matched to a rep: by the mapping given for it
-- (deal_owner_map: owner as written -> e-mail, '' to leave its deals out), by its e-mail,
-- by a name written as an e-mail, else by name (case, accents, spacing and 'Last, First'
-- aside), when exactly one rep has that name.
create or replace temp table stage_deal_owners as
with owners as (
    select owner, owner_email, min(line) as first_line, count(*) as rows
    from stage_deals where owner is not null or owner_email is not null group by all
), named as (
    select ssi_person_key(name) as person_key, min(rep_id) as rep_id, count(*) as reps
    from reps group by 1
)
select o.*, m.email as mapped_to, m.email = '' as left_out,
       coalesce(case when m.email is not null then mr.rep_id end, er.rep_id, ar.rep_id,
                case when m.email is null and n.reps = 1 then n.rep_id end) as rep_id,
       case when m.email is null and er.rep_id is null and ar.rep_id is null then n.reps end
           as reps_of_name
from owners o
left join deal_owner_map m on m.owner = coalesce(o.owner, o.owner_email)
left join reps mr on mr.email = m.email
left join reps er on er.email = o.owner_email
left join reps ar on contains(o.owner, '@') and ar.email = lower(o.owner)
left join named n on n.person_key = ssi_person_key(o.owner);

-- name: unmatched_deal_owners
-- Owners no rep is found for (not left out): the first $listed, with how many there are.
select coalesce(owner, owner_email) as owner, first_line, rows, mapped_to,
       coalesce(reps_of_name, 0) as reps_of_name, count(*) over () as total
from stage_deal_owners where rep_id is null and not coalesce(left_out, false)
order by first_line limit $listed;

-- name: deal_owners_outside_teams
-- Deals whose owner is, by their latest reading, in none of $allowed (a manager's upload).
select o.first_line as line, count(*) over () as total
from stage_deal_owners o
join rep_latest l using (rep_id) join teams t on t.team_id = l.team_id
where o.rep_id is not null and t.name not in (select unnest($allowed))
order by o.first_line limit $listed;

-- name: deal_changes
-- The deals to keep, in the store's shape, that are new or differ from the store's, and
-- whether each replaces one: owners matched, rows of left-out owners and deleted deals
-- (Pipedrive) set aside; values in the store's currency ($store_currency, through
-- deal_rates: currency -> units of the store's currency per unit).
create or replace temp table deal_changes as
with kept as (
    select $crm as crm, d.crm_id, d.name, d.account, o.rep_id, d.stage, d.status, d.amount,
           d.currency, case when d.currency = $store_currency then d.amount
                            else d.amount * r.rate end as value,
           cast($store_currency as varchar) as store_currency, d.created_day, d.closed_day
    from stage_deals d
    join stage_deal_owners o
        on o.owner is not distinct from d.owner and o.owner_email is not distinct from d.owner_email
    left join deal_rates r on r.currency = d.currency
    where d.status <> 'deleted' and o.rep_id is not null
)
select n.*, o.crm_id is not null as replaces
from kept n left join deals o on o.crm = n.crm and o.crm_id = n.crm_id
where o.crm_id is null
   or (n.name, n.account, n.rep_id, n.stage, n.status, n.amount, n.currency, n.value,
       n.store_currency, n.created_day, n.closed_day)
      is distinct from
      (o.name, o.account, o.rep_id, o.stage, o.status, o.amount, o.currency, o.value,
       o.store_currency, o.created_day, o.closed_day);

-- name: replace_deals
-- The deals a later export changed: the rows they replace kept for undo, then taken out
-- (write_deals puts the new ones in).
insert into deal_history
select d.*, $import_id from deals d
where exists (select 1 from deal_changes c
              where c.replaces and c.crm = d.crm and c.crm_id = d.crm_id);
delete from deals d
where exists (select 1 from deal_changes c
              where c.replaces and c.crm = d.crm and c.crm_id = d.crm_id);

-- name: write_deals
insert into deals
select crm, crm_id, name, account, rep_id, stage, status, amount, currency, value,
       store_currency, created_day, closed_day, $import_id
from deal_changes;

-- name: deal_change_counts
-- (updated, new, rows set aside: deleted deals and left-out owners).
select count(*) filter (where replaces), count(*) filter (where not replaces),
       (select count(*) from stage_deals where status = 'deleted')
       + (select coalesce(sum(rows), 0) from stage_deal_owners where left_out)
from deal_changes;

-- name: deals_held_twice
-- The store's rule for deals: one row per CRM and id (writes.py checks it on every write
-- that declares deals).
select crm || ' ' || crm_id as key, count(*) as n
from deals group by crm, crm_id having count(*) > 1 order by key limit 5;

-- name: count_deals
select count(*) from deals;
