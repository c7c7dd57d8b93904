-- The share of balanced reps counts only reps whose four pillars are known (a missing
-- pillar is neither balanced nor unbalanced): the team-day summary keeps how many reps
-- that was each day. The summary is emptied and its rules forgotten, so the next `init` or
-- upload sums it again (scoring/team_days.py); until then pages compute from the readings.
alter table team_days add column pillars_known integer default 0;
delete from team_days;
delete from team_days_rules;
