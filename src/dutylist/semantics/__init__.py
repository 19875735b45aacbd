"""The meaning of a catalogue, in one place.

- `conditions`: what a `when` matches (matching sets over places × attribute values) and
  the exact algebra on them (intersection, containment, emptiness);
- `compiled`: each duty's and rule's matching set for one problem, and which lie
  strictly inside which;
- `precedence`: from the matching duties and rules to a decision (the most specific
  win; rules field by field);
- `cells`: how a problem's case space is cut into cells, which case represents a cell,
  and which cell a given case falls in (checking the case on the way).

The engines, the checker's sweep, `who --explain` and every check call these; none of
them says again what a condition matches or how precedence works.
"""
