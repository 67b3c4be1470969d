"""The jobs app sits below the others and its modules import in one direction; the plan-generation
pipeline is reached through public names only."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HIGHER_APPS = ("competencies", "teams", "qualification")


def imported_modules(path):
    """Absolute names of the modules ``path`` imports (relative imports resolved against its package)."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def private_names_used(path, modules):
    """``module._name`` uses in ``path`` of the modules it imports under the local names ``modules``."""
    tree = ast.parse(path.read_text())
    return sorted(
        f"{node.value.id}.{node.attr}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id in modules
        and node.attr.startswith("_")
        and not node.attr.startswith("__")
    )


@pytest.mark.parametrize("path", sorted((ROOT / "jobs").rglob("*.py")), ids=lambda p: p.name)
def test_the_jobs_app_imports_none_of_the_apps_above_it(path):
    above = {name for name in imported_modules(path) if name.split(".")[0] in HIGHER_APPS}
    assert not above, f"{path.relative_to(ROOT)} imports {sorted(above)}"


def test_the_job_services_do_not_import_the_tasks_that_call_them():
    assert not {"jobs.tasks"} & imported_modules(ROOT / "jobs" / "services.py")


def test_generation_jobs_use_only_public_names_of_the_plan_services():
    path = ROOT / "qualification" / "generation_jobs.py"
    assert private_names_used(path, {"services", "generation", "job_services"}) == []
