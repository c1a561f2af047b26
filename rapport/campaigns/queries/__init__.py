"""Reads that pages, the API, reminders and reports share, one module per part of the work.

Every lookup is scoped to a workspace: another workspace's row is a 404.
"""
