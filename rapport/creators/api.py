"""API for creators and their social accounts."""

from ninja import Router

router = Router(tags=["creators"])

# --- Import and export endpoints (owned by the import/export work) ---

# --- Merge endpoint (owned by the workspace/merge work) ---
