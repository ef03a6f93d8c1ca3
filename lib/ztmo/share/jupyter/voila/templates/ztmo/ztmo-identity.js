/* Identity and navigation helpers (see ztmo.ui.journey). */
