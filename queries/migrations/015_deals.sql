-- Version 15: deals from a CRM export (Salesforce, HubSpot, Pipedrive), beside SSI. A deal
-- is keyed by its CRM and the CRM's id, so a later export of the same deal replaces it; the
-- row it replaced is kept in deal_history for undo, as readings are. No unique index: the
-- importer merges by key and the store checks one row per key (writes.py).
create table deals (
    crm             varchar not null,   -- salesforce | hubspot | pipedrive
    crm_id          varchar not null,   -- the CRM's own id of the deal
    name            varchar,            -- the deal's (opportunity's) name
    account         varchar,            -- the account, company or organisation
    rep_id          integer not null,   -- the owner, matched to a rep
    stage           varchar,            -- the stage as the CRM names it
    status          varchar not null,   -- open | won | lost
    amount          double,             -- as exported, in currency
    currency        varchar not null,   -- of amount (ISO 4217)
    value           double,             -- amount in the store's currency
    store_currency  varchar not null,   -- the one currency every value is in
    created_day     date not null,
    closed_day      date,               -- the day it was won or lost (null while open)
    import_id       integer not null
);
create table deal_history as select *, cast(null as integer) as replaced_by from deals limit 0;
