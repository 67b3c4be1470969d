"""docker-compose.yml and the Dockerfile against the project: Docker does not run on this machine, so every
container command is checked to exist here and to equal the native production command that
``make prod-smoke`` runs (both come from scripts/prod_commands.py)."""

import importlib
import json
import re
import shlex
from pathlib import Path

import pytest
import yaml
from celery.app.utils import find_app
from celery.bin.base import CLIContext
from celery.bin.celery import celery as celery_cli
from django.apps import apps
from django.core.management import get_commands, load_command_class
from gunicorn.config import Config as GunicornConfig

from scripts import prod_commands

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
DOCKERFILE = (ROOT / "Dockerfile").read_text()
# Services built from this project (the others run public images: PostgreSQL, Redis).
APP_SERVICES = sorted(name for name, service in SERVICES.items() if "build" in service)


def test_the_compose_file_runs_exactly_the_native_production_services():
    assert APP_SERVICES == sorted(prod_commands.SERVICES)
    assert {"db", "redis"} <= set(SERVICES)


def test_keycloak_is_an_optional_profile_for_trying_sign_in():
    keycloak = SERVICES["keycloak"]
    assert keycloak["profiles"] == ["sso"]  # not started by a plain `docker compose up`
    assert keycloak["command"] == ["start-dev"]
    assert keycloak["image"].startswith("quay.io/keycloak/keycloak:")
    # Every other service runs without a profile.
    assert [name for name, service in SERVICES.items() if "profiles" in service] == ["keycloak"]


@pytest.mark.parametrize("service", sorted(prod_commands.SERVICES))
def test_compose_command_equals_the_native_command(service):
    assert SERVICES[service]["command"] == prod_commands.command(service)


@pytest.mark.parametrize("service", sorted(prod_commands.SERVICES))
def test_compose_services_run_with_production_settings(service):
    environment = SERVICES[service]["environment"]
    assert environment["DJANGO_SETTINGS_MODULE"] == prod_commands.SETTINGS_MODULE
    for required in ("DJANGO_SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"):
        assert environment.get(required), f"{service} lacks {required}"
    # Secrets are demanded from whoever deploys (``${VAR:?message}``), never given a default.
    assert re.fullmatch(r"\$\{DJANGO_SECRET_KEY:\?[^}]*\}", environment["DJANGO_SECRET_KEY"])


def _manage_command_exists(argv):
    assert argv[:2] == ["python", "manage.py"], argv
    name, options = argv[2], argv[3:]
    commands = get_commands()
    assert name in commands, f"manage.py has no command {name}"
    command = load_command_class(commands[name], name)
    command.create_parser("manage.py", name).parse_args(options)


def _gunicorn_command_exists(argv):
    options = GunicornConfig("%(prog)s [OPTIONS] [APP_MODULE]").parser().parse_args(argv[1:])
    (app_uri,) = options.args
    module_name, attribute = app_uri.split(":")
    application = getattr(importlib.import_module(module_name), attribute)
    assert callable(application), f"{app_uri} is not a WSGI callable"


def _celery_command_exists(argv):
    split = next(index for index, arg in enumerate(argv) if index and arg in celery_cli.commands)
    context = celery_cli.make_context("celery", argv[1 : split + 1])
    context.obj = CLIContext(app=find_app(context.params["app"]), no_color=True, workdir=None)
    assert context.obj.app.main == "servicelead"
    subcommand = celery_cli.get_command(context, argv[split])
    subcommand.make_context(argv[split], argv[split + 1 :], parent=context)


@pytest.mark.parametrize("service", sorted(prod_commands.SERVICES))
def test_every_service_command_exists_in_the_project(service):
    argv = prod_commands.command(service)
    checks = {
        "python": _manage_command_exists,
        "gunicorn": _gunicorn_command_exists,
        "celery": _celery_command_exists,
    }
    assert argv[0] in checks, f"no check for {argv[0]}"
    checks[argv[0]](argv)


def test_one_off_steps_exist_as_management_commands():
    _manage_command_exists(list(prod_commands.MIGRATE))
    _manage_command_exists(list(prod_commands.COLLECTSTATIC))


def test_web_health_check_asks_healthz_on_the_bound_port():
    web = SERVICES["web"]
    port = prod_commands.COMPOSE_BIND.rsplit(":", 1)[1]
    probe = " ".join(web["healthcheck"]["test"])
    assert f"http://127.0.0.1:{port}{prod_commands.HEALTH_PATH}" in probe
    assert any(mapping.endswith(f":{port}") for mapping in web["ports"])


def test_worker_health_check_asks_the_worker_s_own_heartbeat():
    (kind, command) = SERVICES["worker"]["healthcheck"]["test"]
    assert kind == "CMD-SHELL"
    # Compose turns $$ into $; the shell then fills in the container's host name (Celery's node name).
    argv = shlex.split(command.replace("$$HOSTNAME", "container-host"))
    assert argv == ["python", "manage.py", "worker_health", "--hostname", "celery@container-host"]
    _manage_command_exists(argv)


def test_stateful_services_keep_their_data_in_volumes():
    assert "pgdata:/var/lib/postgresql/data" in SERVICES["db"]["volumes"]
    assert "redisdata:/data" in SERVICES["redis"]["volumes"]
    assert SERVICES["redis"]["command"][SERVICES["redis"]["command"].index("--appendonly") + 1] == "yes"
    assert {"pgdata", "redisdata"} <= set(COMPOSE["volumes"])
    for name in ("db", "redis"):
        assert "healthcheck" in SERVICES[name]


def test_dockerfile_default_command_is_the_web_command():
    cmd = re.search(r"^CMD (\[.*\])$", DOCKERFILE, re.MULTILINE)
    assert cmd, "the Dockerfile has no exec-form CMD"
    assert json.loads(cmd.group(1)) == prod_commands.command("web")


def test_dockerfile_builds_static_files_with_the_native_command():
    assert " ".join(prod_commands.COLLECTSTATIC) in DOCKERFILE
    assert "DJANGO_SETTINGS_MODULE=servicelead.settings.production" in DOCKERFILE


def test_dockerfile_copies_every_local_app_and_asset_folder():
    copied = set(re.findall(r"^COPY (\S+) ", DOCKERFILE, re.MULTILINE))
    local_apps = {config.name for config in apps.get_app_configs() if Path(config.path).parent == ROOT}
    needed = local_apps | {"servicelead", "manage.py", "templates", "static", "locale"}
    assert needed <= copied, f"not copied into the image: {sorted(needed - copied)}"
