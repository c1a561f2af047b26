"""Every message finance shows or answers goes through gettext: no bare string literal is given
to ``ValidationError``, to an error dict, as an API ``detail`` or to ``messages``."""

from __future__ import annotations

import ast
from pathlib import Path

FINANCE = Path(__file__).resolve().parent.parent


def _bare(node: ast.AST | None) -> bool:
    """A literal text (plain, f-string, or either side of a conditional) not wrapped in a call."""
    if isinstance(node, ast.IfExp):
        return _bare(node.body) or _bare(node.orelse)
    return isinstance(node, ast.JoinedStr) or (
        isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value != ""
    )


MESSAGE_CALLS = {"ValidationError", "HttpError", "JsonResponse", "error", "success", "warning"}


def _untranslated(tree: ast.AST) -> list[int]:
    lines: list[int] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", "")
            if name not in MESSAGE_CALLS:
                continue
            for arg in node.args:
                # a message, or a dict of them: {"field": "..."} errors, {"detail": "..."} answers
                values = arg.values if isinstance(arg, ast.Dict) else [arg]
                lines += [v.lineno for v in values if _bare(v)]
        elif isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Subscript):
            target = node.targets[0].value
            if getattr(target, "id", "") == "errors" and _bare(node.value):
                lines.append(node.lineno)
    return lines


def test_no_message_skips_gettext() -> None:
    found = {}
    for module in sorted(FINANCE.glob("*.py")):
        if module.name in {"models.py", "apps.py"}:
            continue
        lines = _untranslated(ast.parse(module.read_text(), str(module)))
        if lines:
            found[module.name] = lines
    assert found == {}


def test_the_check_finds_a_bare_message() -> None:
    code = (
        'raise ValidationError({"bonus": "No bonus."})\n'
        'JsonResponse({"detail": "A" if x else _("B")})\n'
        'errors["x"] = f"bad {y}"\n'
    )
    assert sorted(_untranslated(ast.parse(code))) == [1, 2, 3]
