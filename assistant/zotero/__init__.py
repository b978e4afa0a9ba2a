"""Zotero, where the user's library already lives: read it without writing to it.

Public API (UI-free; the `sync zotero` command and the TUI build on it):

* `read_zotero(data_dir_or_file, known=stamps)` -> `ZoteroRead` (every regular item as a
  `ZoteroItem`, or as an `UnchangedItem` when its stamp is the last sync's), safe while
  Zotero runs (`database.open_snapshot`); `ZoteroLocalApi(url).read()` is the second path,
  through Zotero 7's local API;
* `is_zotero_database(path)`: recognise `zotero.sqlite` by content;
* `plan_sync(previous_state, items, not_rebuilt)` -> `SyncPlan` (adds, updates, removes; pure);
* `ZoteroItem.to_paper()` -> the project's `Paper`.
"""

from assistant.zotero.database import is_zotero_database, open_snapshot
from assistant.zotero.items import UnchangedItem, ZoteroCreator, ZoteroItem, ZoteroRef
from assistant.zotero.local_api import ZoteroLocalApi
from assistant.zotero.reader import DEFAULT_DATA_DIR, ZoteroRead, locate_database, read_zotero
from assistant.zotero.sync import SyncedItem, SyncPlan, SyncUpdate, plan_sync

__all__ = [
    "DEFAULT_DATA_DIR",
    "SyncPlan",
    "SyncUpdate",
    "SyncedItem",
    "UnchangedItem",
    "ZoteroCreator",
    "ZoteroItem",
    "ZoteroLocalApi",
    "ZoteroRead",
    "ZoteroRef",
    "is_zotero_database",
    "locate_database",
    "open_snapshot",
    "plan_sync",
    "read_zotero",
]
