"""Jira Cloud support for adfkit: OAuth 2.0 (3LO) login, sites, createmeta and issue creation."""
