"""Planning a re-sync: previous state + the items read now -> what to add, update and remove.

Pure and idempotent: planning against the state a sync left behind gives an empty plan.  The
state is one `SyncedItem` per Zotero item (its ref, fingerprint, modification stamp and the
id of the paper stored for it); the caller stores it after applying a plan
(`SyncPlan.next_state`).

An item is *updated* when its fingerprint changed (see `ZoteroItem.fingerprint` for why not
only its modification time), *added* when its ref is new, *removed* when its ref is gone
(deleted, moved to the trash, or now an item without a title).  A paper is only removed when
no current item still maps to it: two Zotero duplicates of one paper share one paper id, and
deleting one of them must not delete the other's paper.

Items the reader did not rebuild because their cheap stamp is unchanged (`not_rebuilt`) are
unchanged by definition; an item rebuilt with an unchanged fingerprint but a new stamp (its
stamp settled, or a field litassist does not keep changed) keeps its paper and only its
stored stamp is refreshed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from assistant.zotero.items import ZoteroItem, ZoteroRef


@dataclass(frozen=True)
class SyncedItem:
    """What a previous sync stored for one Zotero item."""

    ref: ZoteroRef
    fingerprint: str
    paper_id: str
    date_modified: str | None = None
    stamp: str | None = None  # the reader's settled stamp (`reader.item_stamp`), if any


@dataclass(frozen=True)
class SyncUpdate:
    """A changed item; `previous.paper_id` differs from the new one when its DOI, arXiv id or
    title changed (the old paper must then be replaced, not merged)."""

    item: ZoteroItem
    previous: SyncedItem
    paper_id: str

    @property
    def paper_id_changed(self) -> bool:
        return self.paper_id != self.previous.paper_id


@dataclass(frozen=True)
class SyncPlan:
    adds: tuple[ZoteroItem, ...]
    updates: tuple[SyncUpdate, ...]
    removes: tuple[SyncedItem, ...]
    unchanged: int
    paper_ids_to_remove: tuple[str, ...]  # removed and replaced papers no current item maps to
    next_state: tuple[SyncedItem, ...]
    restamped: int = 0  # unchanged items whose stamp is new: the state is stored again

    @property
    def state_changed(self) -> bool:
        return not self.empty or bool(self.restamped)

    @property
    def empty(self) -> bool:
        return not (self.adds or self.updates or self.removes)

    def summary(self) -> str:
        return (
            f"{len(self.adds)} new, {len(self.updates)} changed, {len(self.removes)} removed, "
            f"{self.unchanged} unchanged"
        )


def plan_sync(
    previous: Iterable[SyncedItem] | Mapping[ZoteroRef, SyncedItem],
    current: Iterable[ZoteroItem],
    not_rebuilt: Iterable[ZoteroRef] = (),
) -> SyncPlan:
    """Compare the stored state with the items read now (see the module docstring).

    `not_rebuilt`: refs the reader found unchanged by their stamp (`ZoteroRead.unchanged`);
    they keep their stored state.
    """
    before = dict(previous) if isinstance(previous, Mapping) else {s.ref: s for s in previous}
    adds: list[ZoteroItem] = []
    updates: list[SyncUpdate] = []
    unchanged = 0
    restamped = 0
    state: list[SyncedItem] = []
    seen: set[ZoteroRef] = set()
    current_paper_ids: set[str] = set()
    for ref in not_rebuilt:
        old = before.get(ref)
        if old is None or ref in seen:
            continue  # a stamp the state does not hold cannot have matched: nothing to keep
        seen.add(ref)
        unchanged += 1
        state.append(old)
        current_paper_ids.add(old.paper_id)
    for item in current:
        if item.ref in seen:
            continue  # the same ref twice in one read: keep the first
        seen.add(item.ref)
        fingerprint = item.fingerprint
        old = before.get(item.ref)
        # Unchanged items keep their stored paper id without rebuilding the paper.
        if old is not None and old.fingerprint == fingerprint:
            unchanged += 1
            if old.stamp != item.stamp:
                restamped += 1
                old = dataclasses.replace(old, stamp=item.stamp)
            state.append(old)
            current_paper_ids.add(old.paper_id)
            continue
        paper_id = item.paper_id
        current_paper_ids.add(paper_id)
        state.append(SyncedItem(item.ref, fingerprint, paper_id, item.date_modified, item.stamp))
        if old is None:
            adds.append(item)
        else:
            updates.append(SyncUpdate(item, old, paper_id))
    removes = tuple(s for ref, s in before.items() if ref not in seen)
    dropped = [s.paper_id for s in removes] + [u.previous.paper_id for u in updates]
    to_remove = tuple(sorted({pid for pid in dropped if pid not in current_paper_ids}))
    return SyncPlan(
        adds=tuple(adds),
        updates=tuple(updates),
        removes=tuple(sorted(removes, key=lambda s: s.ref)),
        unchanged=unchanged,
        paper_ids_to_remove=to_remove,
        next_state=tuple(sorted(state, key=lambda s: s.ref)),
        restamped=restamped,
    )
