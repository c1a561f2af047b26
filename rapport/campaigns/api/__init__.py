"""The campaigns part of /api/v1/: a router per part of the work, same services as the UI."""
