"""The team tree (department → teams), read in one query; every walk of the tree goes through it.

A ``TeamTree`` keeps each team's parent and children and answers subtree, ancestors, a team's
department and the depth-first order. Every walk keeps a record of the teams it visited: a loop in
the parents (which the writers refuse, see ``team_parent_check``, but raw SQL may still bring in)
raises ``TeamTreeLoop`` naming the teams, it never runs forever."""

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import Team


class TeamTreeLoop(Exception):
    """The parents of some teams form a loop, so their subtree, ancestors or place is undefined."""

    def __init__(self, team_ids: Iterable[int]):
        self.team_ids = sorted(set(team_ids))
        super().__init__(
            _("The team tree has a loop: teams %(ids)s are their own ancestors. Correct their parents.")
            % {"ids": ", ".join(str(t) for t in self.team_ids)}
        )


class TeamTree:
    """Parent and children of every team; roots (and teams whose parent is unknown) under ``None``.

    Children keep the order of the rows the tree was built from (by id unless told otherwise); extra
    columns read with the tree are in ``extra[team_id]``."""

    def __init__(self, rows: Iterable[Sequence[Any]]):
        rows = list(rows)
        known = {row[0] for row in rows}
        self.parent_of: dict[int, int | None] = {}
        self.children_of: dict[int | None, list[int]] = {}
        self.extra: dict[int, tuple[Any, ...]] = {}
        self._subtrees: dict[int, tuple[int, ...]] = {}
        for team_id, parent_id, *values in rows:
            parent = parent_id if parent_id in known else None
            self.parent_of[team_id] = parent
            self.children_of.setdefault(parent, []).append(team_id)
            self.extra[team_id] = tuple(values)

    @classmethod
    def load(
        cls,
        *,
        fields: Sequence[str] = (),
        order_by: Sequence[str] = ("id",),
        annotations: Mapping[str, Any] | None = None,
    ) -> "TeamTree":
        """The whole tree in one query; ``fields`` (model fields or ``annotations``) go to ``extra``."""
        queryset = Team.objects.all()
        if annotations:
            queryset = queryset.annotate(**annotations)
        return cls(queryset.order_by(*order_by).values_list("id", "parent_id", *fields))

    def __contains__(self, team_id: object) -> bool:
        return team_id in self.parent_of

    def __len__(self) -> int:
        return len(self.parent_of)

    def team_ids(self) -> list[int]:
        return sorted(self.parent_of)

    def parent(self, team_id: int) -> int | None:
        return self.parent_of.get(team_id)

    def children(self, team_id: int | None) -> list[int]:
        """Direct children of ``team_id`` (the roots for None)."""
        return list(self.children_of.get(team_id, ()))

    def has_children(self, team_id: int) -> bool:
        return bool(self.children_of.get(team_id))

    def roots(self) -> list[int]:
        return self.children(None)

    def subtree(self, team_id: int) -> list[int]:
        """The team and every team below it, sorted by id."""
        return list(self._subtree(team_id))

    def _subtree(self, team_id: int) -> tuple[int, ...]:
        known = self._subtrees.get(team_id)
        if known is not None:
            return known
        found: set[int] = set()
        stack = [team_id]
        while stack:
            current = stack.pop()
            if current in found:
                raise TeamTreeLoop(self.loops() or {current})
            found.add(current)
            stack.extend(self.children_of.get(current, ()))
        self._subtrees[team_id] = tuple(sorted(found))
        return self._subtrees[team_id]

    def below(self, team_id: int) -> set[int]:
        """The team and every team reachable below it, stopping at a repeat (for repairing a loop)."""
        found: set[int] = set()
        stack = [team_id]
        while stack:
            current = stack.pop()
            if current not in found:
                found.add(current)
                stack.extend(self.children_of.get(current, ()))
        return found

    def ancestors(self, team_ids: Iterable[int]) -> set[int]:
        """The teams ``team_ids`` and every department above them."""
        found: set[int] = set()
        for team_id in team_ids:
            path: set[int] = set()
            current: int | None = team_id
            while current is not None and current not in found:
                if current in path:
                    raise TeamTreeLoop(self.loops())
                path.add(current)
                current = self.parent_of.get(current)
            found |= path
        return found

    def department_of(self, team_id: int) -> int:
        """The id of a team's department: its parent; a top-level team is its own department."""
        parent = self.parent_of.get(team_id)
        return team_id if parent is None else parent

    def department_team_ids(self, team_id: int) -> tuple[int, ...]:
        """Ids of the teams of a team's department (the department's subtree), sorted."""
        return self._subtree(self.department_of(team_id))

    def depth_first(self) -> list[tuple[int, int]]:
        """(team id, depth) from the roots, children in the tree's order; every team once."""
        order: list[tuple[int, int]] = []
        stack = [(team_id, 0) for team_id in reversed(self.roots())]
        while stack:
            team_id, depth = stack.pop()
            order.append((team_id, depth))
            stack.extend((child, depth + 1) for child in reversed(self.children_of.get(team_id, ())))
        if len(order) != len(self.parent_of):
            # Teams in a loop hang below no root.
            raise TeamTreeLoop(self.loops())
        return order

    def loops(self) -> set[int]:
        """Ids of the teams that are their own ancestors (empty on a sound tree)."""
        in_loop: set[int] = set()
        settled: set[int] = set()
        for start in self.parent_of:
            path: list[int] = []
            on_path: set[int] = set()
            current: int | None = start
            while current is not None and current not in settled and current not in on_path:
                path.append(current)
                on_path.add(current)
                current = self.parent_of.get(current)
            if current is not None and current in on_path:
                in_loop.update(path[path.index(current) :])
            settled.update(path)
        return in_loop


def team_parent_check(*, team: Team | None, parent: Team | None, tree: TeamTree | None = None) -> None:
    """Refuse a parent that is the team itself or lies below it: every writer of a parent calls this.

    Cycle-safe, so a loop that came in from outside can be repaired by moving one of its teams."""
    if parent is None or team is None or team.pk is None:
        return
    tree = tree if tree is not None else TeamTree.load()
    if parent.pk in tree.below(team.pk) | {team.pk}:
        raise ValidationError(
            _("A team cannot be placed below itself or one of its sub-teams."), code="team_tree_loop"
        )
