"""Tools for people who keep rules as code: formatting, schemas, rule diffs, coverage, the pytest plugin."""
