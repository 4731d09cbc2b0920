"""Screens: the inbox, and the small dialogs it opens."""
