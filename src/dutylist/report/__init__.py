"""Renderers: findings (text, json, sarif, github in `renderers`), answers, conditions,
the task plan, the graph."""
