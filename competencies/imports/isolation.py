"""Reading untrusted files in a separate process with bounded memory and CPU time.

A spreadsheet reader given a hostile file may try to allocate gigabytes or run for minutes, and a reader
written in a compiled language aborts the whole process when an allocation fails. So the bytes of an
upload are handed to a short-lived child process, which sets its own limits before reading
(``SERVICELEAD_IMPORT_MAX_MEMORY_BYTES`` beyond what it starts with, ``SERVICELEAD_IMPORT_MAX_SECONDS`` of
CPU) and sends back the ``ParsedFile`` or the problems. A file that exhausts a limit or crashes the reader
ends that child only: the web process or worker that asked answers with a clear problem and goes on.

Children are forked from a small server process that has the readers (pandas, calamine) loaded already,
so a read starts in milliseconds; it is started on first use in each process that reads files. The child
never touches the database: Django settings there hold only the import limits, handed over by the parent.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import signal
import threading
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import AuthenticationString  # type: ignore[attr-defined]
from typing import TYPE_CHECKING, Any, NoReturn

from . import limits
from .problems import ImportRejected, Problem, human_size

if TYPE_CHECKING:
    from .reading import ParsedFile

# Seconds of wall-clock time a read may take beyond its CPU limit (a busy machine shares its cores).
WALL_CLOCK_MARGIN = 30
_PRELOAD = ["competencies.imports.reading"]
_lock = threading.Lock()
_start_lock = threading.Lock()
_context: Any = None


@dataclass(frozen=True)
class _Request:
    data: bytes
    filename: str
    format: str | None
    sheet: str | None
    settings: dict[str, int]
    # Another reader than the spreadsheet importer's, by name (READERS): it is called with ``data`` and
    # ``filename`` and returns something picklable.
    reader: str = ""


# Readers other than ``reading.parse_bytes`` that may run in the child: name → (module, function).
READERS = {
    "esco_skills": ("competencies.esco_reading", "read_skills"),
    "catalogue_sheet": ("competencies.catalogue_sheet_reading", "read_sheet"),
}


def run_in_reader_process(*, reader: str, data: bytes, filename: str) -> Any:
    """``READERS[reader](data=…, filename=…)`` run in a limited child process, as
    ``parse_in_reader_process`` runs the spreadsheet reader; ImportRejected for every failure there."""
    if reader not in READERS:
        raise ValueError(f"unknown reader {reader!r}")
    return _run(_Request(data=data, filename=filename, format=None, sheet=None, settings={}, reader=reader))


def parse_in_reader_process(
    *, data: bytes, filename: str, format: str | None, sheet: str | None
) -> ParsedFile:
    """``reading.parse_bytes`` run in a limited child process; ImportRejected for every failure there."""
    return _run(_Request(data=data, filename=filename, format=format, sheet=sheet, settings={}))


def _run(request: _Request) -> Any:
    settings = {name: limits.limit(name) for name in limits.DEFAULTS}
    seconds = settings["SERVICELEAD_IMPORT_MAX_SECONDS"]
    context = _reader_context()
    receiver, sender = context.Pipe(duplex=False)
    request = _Request(
        data=request.data,
        filename=request.filename,
        format=request.format,
        sheet=request.sheet,
        settings=settings,
        reader=request.reader,
    )
    process = context.Process(target=_read, args=(sender, request), daemon=True)
    _start(process)
    sender.close()
    message = None
    try:
        if receiver.poll(seconds + WALL_CLOCK_MARGIN):
            message = receiver.recv()
    except (EOFError, OSError):
        message = None  # the child ended without an answer: its exit code tells why
    finally:
        receiver.close()
        process.join(timeout=5)
        if process.is_alive():
            process.kill()
            process.join()
    return _answer(message, process.exitcode, settings)


def _answer(message: tuple[Any, ...] | None, exitcode: int | None, settings: dict[str, int]) -> Any:
    if message is not None:
        kind, *payload = message
        if kind == "parsed":
            return payload[0]
        if kind == "rejected":
            raise ImportRejected(payload[0], payload[1])
        if kind == "memory":
            _refuse("reader_memory", limit=human_size(settings["SERVICELEAD_IMPORT_MAX_MEMORY_BYTES"]))
        _refuse("reader_failed", detail=payload[0])
    if exitcode is None or exitcode in (-signal.SIGXCPU, -signal.SIGKILL):
        _refuse("reader_time", seconds=settings["SERVICELEAD_IMPORT_MAX_SECONDS"])
    if exitcode == -signal.SIGABRT:  # a compiled reader aborts when an allocation fails
        _refuse("reader_memory", limit=human_size(settings["SERVICELEAD_IMPORT_MAX_MEMORY_BYTES"]))
    _refuse("reader_failed", detail=_exit_description(exitcode))


def _refuse(code: str, **params: Any) -> NoReturn:
    raise ImportRejected([Problem(code, params=params)])


def _exit_description(exitcode: int) -> str:
    if exitcode < 0:
        try:
            return signal.Signals(-exitcode).name
        except ValueError:
            return f"signal {-exitcode}"
    return f"exit code {exitcode}"


def _start(process: Any) -> None:
    """Start ``process`` even from a pool process of Celery. Such a process is daemonic, which
    multiprocessing refuses to start children from (a daemon's children would be orphaned when it exits;
    a reader is a child of the fork server, not of this process, and ends within its CPU limit), and its
    authentication key is Celery's own kind, which refuses to be pickled into the request to the fork
    server (the reader uses no key). Both are replaced for the moment of the start."""
    current = multiprocessing.current_process()
    config = current._config  # type: ignore[attr-defined]  # no public API for either
    process._config["authkey"] = AuthenticationString(os.urandom(32))
    with _start_lock:  # the process-wide settings are changed by one thread at a time
        saved = {name: config[name] for name in ("daemon", "authkey") if name in config}
        config.pop("daemon", None)
        config["authkey"] = AuthenticationString(bytes(saved.get("authkey") or os.urandom(32)))
        try:
            process.start()
        finally:
            config.pop("daemon", None)
            config.update(saved)


def _reader_context() -> Any:
    global _context
    with _lock:
        if _context is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(_PRELOAD)
            _context = context
    return _context


def _read(connection: Connection, request: _Request) -> None:
    """The child: limit this process, then read and send back the result or the problems."""
    _limit_resources(
        memory=request.settings["SERVICELEAD_IMPORT_MAX_MEMORY_BYTES"],
        seconds=request.settings["SERVICELEAD_IMPORT_MAX_SECONDS"],
    )
    from django.conf import settings

    if not settings.configured:
        settings.configure(USE_I18N=False, **request.settings)
    try:
        if request.reader:
            import importlib

            module, function = READERS[request.reader]
            parsed = getattr(importlib.import_module(module), function)(
                data=request.data, filename=request.filename
            )
        else:
            from .reading import parse_bytes

            parsed = parse_bytes(
                data=request.data, filename=request.filename, format=request.format, sheet=request.sheet
            )
        message: tuple = ("parsed", parsed)
    except ImportRejected as rejection:
        message = ("rejected", rejection.problems, rejection.problem_count)
    except MemoryError:
        message = ("memory",)
    except Exception as error:  # whatever a reader raises on a malformed file
        message = ("failed", limits.technical(error))
    try:
        connection.send(message)
    except MemoryError:
        connection.send(("memory",))
    finally:
        connection.close()


def _limit_resources(*, memory: int, seconds: int) -> None:
    """Address space: what the process has now plus ``memory``; CPU: ``seconds`` (then SIGXCPU)."""
    try:
        with open("/proc/self/statm") as statm:
            current = int(statm.read().split()[0]) * resource.getpagesize()
    except OSError:  # no /proc: bound the address space by the allowance alone
        current = 0
    resource.setrlimit(resource.RLIMIT_AS, (current + memory, current + memory))
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 2))
