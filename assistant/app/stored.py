"""The user's stored work read by reference: an id, a unique prefix of one, or the newest.

Conversations and comparisons are both named this way (`litassist export --last`, `--last-
comparison`, `litassist export 3f2a`); this is the one reading of such a reference.
"""

from __future__ import annotations

from typing import Protocol, TypeVar

from assistant.errors import LitassistError

__all__ = ["by_ref_or_last"]

T_co = TypeVar("T_co", covariant=True)


class _WorkStore(Protocol[T_co]):
    """What a store of the user's work offers (`store.sqlite_store.SqliteStore` subclasses)."""

    def last_id(self) -> str | None: ...

    def resolve(self, ref: str, /) -> str: ...

    def get(self, item_id: str, /) -> T_co: ...


def by_ref_or_last(store: _WorkStore[T_co], ref: str | None, *, none_yet: str) -> T_co:
    """The item with this id or unique prefix; None: the newest one.

    Raises:
        LitassistError: the store's not-found error for `ref`; `none_yet` (what to do) when
            `ref` is None and the store is empty.
    """
    if ref is None:
        last = store.last_id()
        if last is None:
            raise LitassistError(none_yet)
        return store.get(last)
    # Resolved here because the conversation store's `get` takes an exact id; the comparison
    # store's resolves again, one indexed lookup of an exact id.
    return store.get(store.resolve(ref))
