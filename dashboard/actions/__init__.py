"""The use cases that write: each takes the viewer, checks the right and the scope, writes,
keeps the summaries under the rules in force and records the audit, all in one transaction.
The pages and the command line call these, never the importer or the store's writes."""
