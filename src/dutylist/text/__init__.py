"""Free text to a problem: a classifier of citizen messages, trained and measured on real ones."""
