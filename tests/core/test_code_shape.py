"""The shape `bot/` keeps: no module state of its own (no `global` statement, no module-level
list, dict or set anyone could change; constants are tuples, frozensets or read-only maps;
whatever runs is held by objects the app builds and passes in), and no function so long
that it must be read twice."""

from __future__ import annotations

import ast

from bot.config import ROOT

MUTABLE_CALLS = {"dict", "list", "set", "defaultdict", "OrderedDict", "deque"}
MAX_FUNCTION_LINES = 59


def mutable_globals() -> list[str]:
    found = []
    for path in sorted((ROOT / "bot").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        where = path.relative_to(ROOT)
        found += [f"{where}:{node.lineno} global" for node in ast.walk(tree)
                  if isinstance(node, ast.Global)]  # fmt: skip
        for node in tree.body:
            value = node.value if isinstance(node, ast.Assign | ast.AnnAssign) else None
            call = value.func if isinstance(value, ast.Call) else None
            name = getattr(call, "id", getattr(call, "attr", None))
            if isinstance(value, ast.Dict | ast.List | ast.Set) or name in MUTABLE_CALLS:
                found.append(f"{where}:{node.lineno} {ast.unparse(node)[:60]}")
    return found


def test_bot_has_no_mutable_module_state() -> None:
    assert mutable_globals() == []


def test_no_function_in_bot_reaches_sixty_lines() -> None:
    long = []
    for path in sorted((ROOT / "bot").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = (node.end_lineno or node.lineno) - node.lineno + 1
                if lines > MAX_FUNCTION_LINES:
                    long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({lines})")
    assert long == []
