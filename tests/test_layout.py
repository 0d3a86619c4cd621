"""The code's shape, as the README's Layout section promises it: apps import only the apps
below them and never another app's views, modules say what they hold, no raw SQL, and short
functions. Read from the source files (ast), so a new module is checked as soon as it exists."""

from __future__ import annotations

import ast
import statistics
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Each app, and the apps it may import (the README's Layout table, top to bottom).
MAY_IMPORT = {
    "dashboard": {"alliances", "pilots", "candidates", "accounts", "semaforo"},
    "partners": {"alliances", "pilots", "semaforo"},
    "alliances": {"pilots", "candidates", "accounts", "semaforo"},
    "pilots": {"candidates", "accounts", "semaforo"},
    "candidates": {"accounts", "semaforo"},
    "accounts": {"semaforo"},
    "semaforo": set(),
}
APPS = set(MAY_IMPORT)
VAGUE_NAMES = {"services", "utils", "helpers", "planning"}


def app_modules():
    for app in sorted(APPS):
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield app, path


def imported_modules(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def functions(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node


PARSED = [(app, path, ast.parse(path.read_text())) for app, path in app_modules()]


def test_the_layout_lists_every_app_in_the_project():
    installed = {p.parent.name for p in ROOT.glob("*/apps.py")} | {"semaforo"}
    assert installed == APPS


@pytest.mark.parametrize(
    ("app", "path", "tree"), PARSED, ids=[str(p[1].relative_to(ROOT)) for p in PARSED]
)
def test_an_app_imports_only_the_apps_below_it_and_no_views(app, path, tree):
    for module in imported_modules(tree):
        top = module.split(".")[0]
        if top in APPS and top != app:
            assert top in MAY_IMPORT[app], f"{app} imports {module}"
            assert ".views" not in f".{module}", f"{app} imports another app's views: {module}"


def test_module_names_say_what_they_hold():
    vague = [
        str(path.relative_to(ROOT)) for _app, path, _tree in PARSED if path.stem in VAGUE_NAMES
    ]
    assert vague == []


def test_no_raw_sql_in_app_code():
    raw = []
    for _app, path, tree in PARSED:
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in {
                "raw",
                "execute",
                "executemany",
                "cursor",
            }:
                raw.append(f"{path.relative_to(ROOT)}:{node.lineno} .{node.attr}")
    assert raw == []


def test_functions_are_short():
    lengths = {
        f"{path.relative_to(ROOT)}:{node.lineno} {node.name}": node.end_lineno - node.lineno + 1
        for _app, path, tree in PARSED
        for node in functions(tree)
    }
    assert {name: n for name, n in lengths.items() if n > 40} == {}
    assert statistics.median(lengths.values()) <= 8
