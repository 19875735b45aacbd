"""Answering "who must report for this problem, here, now".

`compiled` turns a catalogue into matching sets and their containment order once;
`precedence` decides an answer from the matching duties and rules (shared by both
engines); `index` is the default engine, `durable` the independent second one.
"""
