"""What a change to the list changes: routing, findings and the items themselves."""
