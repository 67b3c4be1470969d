"""Gap-analysis results cached under the version of the data they were computed from.

Every cached result names the versions it depends on; its key holds their current values, so a change of
the data makes the old entry unreachable (it expires on its own) and the next request computes afresh.
Three kinds of version, each an opaque random token in the ``analysis`` cache (Redis in production, shared
by all web processes and workers; process memory in the embedded default):

- ``team:<id>`` changes with the team's memberships and requirements, with the levels, names, role
  profiles and agreed plans of anyone who has ever been its member, and with those of any team below it
  (a department's figures roll up its subtree);
- ``catalogue`` changes with whatever may touch every team: competencies, categories, scales, role
  profiles, the team tree and names;
- ``all`` changes with any of the above: organisation-wide results depend on it.

Writers call ``changed()`` (model signals in teams.signals do it for single saves; bulk writes call it
themselves). A change is published when its transaction commits, so no reader can store a result computed
before the commit under a version that is already new; the writing thread sees its own change at once.
The cache's timeout bounds what a change made where nobody could publish it (a Redis outage, another
process's memory in the embedded default) can hide."""

import hashlib
import logging
import secrets
import threading
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core.cache import BaseCache, InvalidCacheBackendError, caches
from django.db import transaction

from competencies.i18n import reader_language
from competencies.selectors import count_unconfirmed

from ..models import Membership
from ..tree import TeamTree, TeamTreeLoop

logger = logging.getLogger(__name__)

CACHE_ALIAS = "analysis"
ALL = "all"
CATALOGUE = "catalogue"
# More people than this changing at once (an import) is cheaper to publish as a change of everything
# than to look up every team they ever belonged to.
EMPLOYEES_LOOKED_UP = 500

_local = threading.local()


def _cache() -> BaseCache:
    try:
        return caches[CACHE_ALIAS]
    except InvalidCacheBackendError:
        return caches["default"]


def timeout() -> int:
    """Seconds a cached result is kept at most."""
    return getattr(settings, "SERVICELEAD_ANALYSIS_CACHE_SECONDS", 600)


def team(team_id: int) -> str:
    """The version name of one team (with its subtree)."""
    return f"team:{int(team_id)}"


def digest(ids: Iterable[int]) -> str:
    """A short fixed-length name for a set of ids, for keys that depend on one (whom a user may see)."""
    text = ",".join(str(i) for i in sorted({int(i) for i in ids}))
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def _version_key(name: str) -> str:
    return f"analysis:version:{name}"


def _new_token() -> str:
    return secrets.token_hex(6)


class _Pending:
    """Changes written in this thread that are not published yet."""

    def __init__(self) -> None:
        self._reset()

    def _reset(self) -> None:
        self.team_ids: set[int] = set()
        self.employee_ids: set[int] = set()
        self.everything = False
        self.unseen = False  # changed since this thread last published them for its own reads

    def __bool__(self) -> bool:
        return self.everything or bool(self.team_ids) or bool(self.employee_ids)

    def take(self) -> tuple[set[int], set[int], bool]:
        taken = (set(self.team_ids), set(self.employee_ids), self.everything)
        self._reset()
        return taken


def _pending() -> _Pending:
    pending = getattr(_local, "pending", None)
    if pending is None:
        pending = _local.pending = _Pending()
    return pending


def changed(
    *,
    team_ids: Iterable[int | None] = (),
    employee_ids: Iterable[int | None] = (),
    everything: bool = False,
    using: str | None = None,
) -> None:
    """Record that analysis input changed: of ``team_ids``, of teams ``employee_ids`` ever belonged to,
    or of ``everything``. Published when the current transaction commits (at once outside one)."""
    pending = _pending()
    first = not _publication_registered(using)
    if first:
        # Whatever is still pending belongs to a transaction that was rolled back: nothing of it was written.
        pending.take()
    pending.team_ids.update(int(t) for t in team_ids if t is not None)
    pending.employee_ids.update(int(e) for e in employee_ids if e is not None)
    pending.everything = pending.everything or everything
    pending.unseen = True
    if first:
        transaction.on_commit(_publish_committed, using=using, robust=True)


def levels_changed(*, employee_ids: Iterable[int] | None) -> None:
    """competencies.hooks' provider: assessments of ``employee_ids`` (None: anyone's) written in bulk."""
    changed(employee_ids=employee_ids or (), everything=employee_ids is None)


def _publication_registered(using: str | None) -> bool:
    connection = transaction.get_connection(using)
    return connection.in_atomic_block and any(
        func is _publish_committed for _savepoints, func, _robust in connection.run_on_commit
    )


def _publish_committed() -> None:
    pending = _pending()
    if pending:
        _publish(*pending.take())


def _publish(team_ids: set[int], employee_ids: set[int], everything: bool) -> None:
    """New tokens for the versions the changes touch, in one cache call."""
    if employee_ids and not everything:
        if len(employee_ids) > EMPLOYEES_LOOKED_UP:
            everything = True
        else:
            team_ids = team_ids | _team_ids_of_employees(employee_ids)
    names = [ALL]
    if team_ids and not everything:
        try:
            names.extend(team(t) for t in TeamTree.load().ancestors(team_ids))
        except TeamTreeLoop:
            everything = True  # the teams above cannot be told: every result is stale
    if everything:
        names.append(CATALOGUE)
    _cache().set_many({_version_key(name): _new_token() for name in names}, timeout=None)


def _team_ids_of_employees(employee_ids: Iterable[int]) -> set[int]:
    """Ids of every team the employees belong, belonged or will belong to."""
    return set(
        Membership.objects.filter(employee_id__in=list(employee_ids))
        .order_by()
        .values_list("team_id", flat=True)
        .distinct()
    )


def _publish_for_own_reads() -> None:
    """This thread's uncommitted changes, published before it reads: it must see what it wrote. They are
    published again on commit (a reader elsewhere may have cached the old data under these tokens)."""
    pending = getattr(_local, "pending", None)
    if pending is None or not pending.unseen:
        return
    if not _publication_registered(None):
        pending.take()  # rolled back: nothing of it was written
        return
    pending.unseen = False
    _publish(set(pending.team_ids), set(pending.employee_ids), pending.everything)


def versions(names: Sequence[str]) -> tuple[str, ...] | None:
    """The current token of each version name, or None when the cache cannot tell (nothing is cached then)."""
    _publish_for_own_reads()
    cache = _cache()
    keys = [_version_key(name) for name in names]
    found = cache.get_many(keys)
    missing = [key for key in keys if key not in found]
    if missing:
        # First use (or evicted): start the version; whoever starts it first wins.
        for key in missing:
            cache.add(key, _new_token(), timeout=None)
        found = cache.get_many(keys)
        if len(found) < len(keys):
            return None
    return tuple(found[key] for key in keys)


def cached(
    kind: str,
    parts: Sequence[Any],
    depends_on: Sequence[str],
    compute: Callable[[], Any],
    *,
    with_key: bool = False,
) -> Any:
    """``compute()``, or its result stored earlier for the same ``kind``/``parts`` and unchanged versions
    ``depends_on``. ``parts`` are plain values (ids, dates); the result must pickle. With ``with_key``,
    (result, key): the key names this result for caching what is made of it (None: nothing is cached)."""
    tokens = versions(depends_on)
    if tokens is None:
        result = compute()
        return (result, None) if with_key else result
    counting = "u" if count_unconfirmed() else "c"
    # Results carry catalogue texts (competency and category names) in the reader's language.
    key = ":".join(["analysis", kind, *(str(part) for part in parts), counting, reader_language(), *tokens])
    cache = _cache()
    result = cache.get(key)
    if result is None:
        result = compute()
        cache.set(key, result, timeout=timeout())
    return (result, key) if with_key else result
