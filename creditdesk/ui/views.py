"""Keeping a view in step with the books, and only when it is seen.

``FollowsChanges`` reloads a view after a change to what it shows: at once when
it is on screen, otherwise when it is next shown. Logging a note no longer
reloads the invoice table, and a hidden tab costs nothing until it is opened.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QWidget

from creditdesk.ui.workspace import Change, Workspace


class FollowsChanges:
    """Mixed into a view (before QWidget): reload after a change to what it shows, now if it is on
    screen, else when it is next shown.

    The view itself receives the change signal, as it does its other signals: a separate
    watcher object owned by the view crashed PySide 6.11 when the view was deleted.
    """

    _shows: Change = Change(0)
    _reload_now: Callable[[], None] | None = None
    _stale = False
    _even_hidden = False

    def follow_changes(
        self, workspace: Workspace, shows: Change, reload: Callable[[], None], *, even_hidden: bool = False
    ) -> None:
        """``even_hidden``: for a tab whose count is on the tab bar, which must stay right unseen."""
        self._shows = shows
        self._reload_now = reload
        self._even_hidden = even_hidden
        workspace.events.changed.connect(self.on_workspace_changed)

    def on_workspace_changed(self, what: object) -> None:
        if not isinstance(what, Change) or not what & self._shows or self._reload_now is None:
            return
        assert isinstance(self, QWidget)
        if self._even_hidden or self.isVisible():
            self._reload_now()
        else:
            self._stale = True

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)  # type: ignore[misc]  # QWidget's, next in the view's bases
        if self._stale and self._reload_now is not None:
            self._stale = False
            self._reload_now()
