"""The HTTP face of the whistle desk: JSON API, Open311 (and, later, pages)."""
