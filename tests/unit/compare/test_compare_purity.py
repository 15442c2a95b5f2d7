"""The comparison engine is pure Python: no Flask, no SQLAlchemy, no database, no app."""

from __future__ import annotations

import ast
import pkgutil
import sys
from pathlib import Path

import pytest

import marketplace.compare

PACKAGE_DIR = Path(marketplace.compare.__file__).parent
MODULES = [
    PACKAGE_DIR / "__init__.py",
    *sorted(PACKAGE_DIR / f"{m.name}.py" for m in pkgutil.iter_modules([str(PACKAGE_DIR)])),
]
# Besides the standard library, only these project modules may be imported
ALLOWED_PROJECT = ("marketplace.compare", "marketplace.parsing")


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path.name}: use absolute imports"
            names.add(node.module or "")
    return names


def test_the_package_has_the_modules_we_check() -> None:
    assert {p.name for p in MODULES} >= {"__init__.py", "engine.py", "schema.py"}


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_the_engine_imports_only_the_standard_library_and_the_shared_parsers(path: Path) -> None:
    for name in imported_modules(path):
        root = name.split(".")[0]
        if root == "marketplace":
            assert name.startswith(ALLOWED_PROJECT), f"{path.name} imports {name}"
        else:
            assert root in sys.stdlib_module_names, f"{path.name} imports {name}"


def test_the_shared_parsers_import_no_framework_either() -> None:
    path = Path(marketplace.compare.__file__).parent.parent / "parsing.py"
    forbidden = {"flask", "flask_sqlalchemy", "sqlalchemy", "werkzeug", "wtforms", "flask_wtf"}
    roots = {name.split(".")[0] for name in imported_modules(path)}
    assert not roots & forbidden
