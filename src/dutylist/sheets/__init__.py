"""Published lists (权责清单, 履职事项清单) read from spreadsheets."""
