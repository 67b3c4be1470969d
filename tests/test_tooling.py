"""The static checks stay wired up: pre-commit runs ruff, ruff-format, mypy and lint-imports from the
project's venv, `make lint` and CI run mypy and lint-imports, and their configuration in pyproject.toml
covers every app and names only files that exist."""

import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
PRE_COMMIT_HOOKS = {"ruff", "ruff-format", "mypy", "lint-imports"}


def _pyproject():
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _local_apps():
    """Top-level packages of this repository that are Django apps (they have an apps.py)."""
    return sorted(path.parent.name for path in ROOT.glob("*/apps.py"))


def _pre_commit_hooks():
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    return {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}


def test_pre_commit_runs_ruff_format_mypy_and_import_contracts():
    hooks = _pre_commit_hooks()
    assert PRE_COMMIT_HOOKS <= set(hooks)
    assert hooks["ruff"]["entry"].split()[:3] == [".venv/bin/ruff", "check", "--fix"]
    assert hooks["ruff-format"]["entry"].split()[:2] == [".venv/bin/ruff", "format"]
    assert hooks["mypy"]["entry"].split()[0] == ".venv/bin/mypy"
    assert hooks["lint-imports"]["entry"].split()[0] == ".venv/bin/lint-imports"


def test_pre_commit_hooks_use_the_project_venv():
    for hook_id, hook in _pre_commit_hooks().items():
        assert hook["language"] == "system", hook_id
        assert hook["entry"].startswith(".venv/bin/"), hook_id


def test_mypy_and_lint_imports_check_the_whole_configuration_not_the_staged_files():
    # mypy's module list lives in pyproject.toml only; passing the staged files would replace it.
    hooks = _pre_commit_hooks()
    assert hooks["mypy"]["pass_filenames"] is False
    assert hooks["lint-imports"]["pass_filenames"] is False
    assert "args" not in hooks["mypy"]


def test_make_lint_and_ci_run_mypy_and_lint_imports():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    lint_recipe = makefile.split("\nlint:", 1)[1].split("\n\n", 1)[0]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    for tool in ("mypy", "lint-imports"):
        assert f"$(BIN)/{tool}" in lint_recipe, tool
        assert f".venv/bin/{tool}" in ci, tool


def test_mypy_files_exist_and_use_the_django_and_drf_plugins():
    mypy = _pyproject()["tool"]["mypy"]
    assert {"mypy_django_plugin.main", "mypy_drf_plugin.main"} <= set(mypy["plugins"])
    assert mypy["disallow_untyped_defs"] is True
    missing = [name for name in mypy["files"] if not (ROOT / name).exists()]
    assert not missing, f"mypy files that do not exist: {missing}"
    assert _pyproject()["tool"]["django-stubs"]["django_settings_module"] == "servicelead.settings.test"


def test_every_app_is_under_the_import_contracts():
    importlinter = _pyproject()["tool"]["importlinter"]
    apps = _local_apps()
    assert {"competencies", "teams", "qualification"} <= set(apps)
    missing = sorted(set(apps) - set(importlinter["root_packages"]))
    assert not missing, f"add {missing} to [tool.importlinter] root_packages in pyproject.toml"
    layers = next(c for c in importlinter["contracts"] if c["type"] == "layers")["layers"]
    # An optional layer "(app)" is skipped silently once the app exists but is not a root package.
    named = [layer.strip("()") for layer in layers]
    unlayered = [app for app in apps if app != "servicelead" and app not in named]
    assert not unlayered, f"add {unlayered} to the layers contract in pyproject.toml"
    optional_but_present = [layer for layer in layers if layer.startswith("(") and layer.strip("()") in apps]
    assert not optional_but_present, f"drop the parentheses of {optional_but_present}: the app exists"


def test_every_app_is_kept_below_the_project_modules():
    contracts = {c["id"]: c for c in _pyproject()["tool"]["importlinter"]["contracts"]}
    apps = sorted(set(_local_apps()) - {"servicelead"})
    assert sorted(contracts["apps-below-project"]["source_modules"]) == apps
    assert sorted(contracts["project-infrastructure-below-apps"]["forbidden_modules"]) == apps
    assert "servicelead.urls" in contracts["apps-below-project"]["forbidden_modules"]
