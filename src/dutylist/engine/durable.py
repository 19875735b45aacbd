"""The second, independent engine: the same catalogue run by durable-rules.

durable-rules only finds which duties and rules match a case; precedence and the
answer are the shared code in `router`. It is guarded as measured in
shared/notes/durable-rules.md: one ruleset per problem (never one for the city); places
encoded as one flag per `at` anchor of that problem, so no field is tested against
hundreds of values; limits checked before anything reaches the C core, refusing with a
clear message instead of hanging or crashing; background timer threads off; one global
lock around assert → collect → retract (the core has no locks); a fresh ruleset name
per engine, so a reloaded catalogue never collides with the old one, and its rulesets
deleted from the C core when the engine is dropped (the core keeps every ruleset it was
given until told otherwise: 2.8 MB per reload of the bundled catalogue); values
normalised (numbers as floats, booleans and enumerations as small integers).
"""

from __future__ import annotations

import collections
import contextlib
import itertools
import json
import math
import threading
import weakref
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from dutylist.engine.router import Router, Values
from dutylist.semantics.compiled import Compiled, CompiledProblem
from dutylist.semantics.conditions import Box, NumberSet

MAX_RULES_PER_RULESET = 4000  # error 106 past 4,096
MAX_FIELDS_PER_FACT = 250  # error 302 past 255
MAX_VALUES_PER_FIELD = 400  # hangs at about 512
MAX_IDENTICAL_CONDITIONS = 200  # segfault at 256

_LOCK = threading.Lock()
_GENERATION = itertools.count()
# Rulesets of dropped engines, freed at the next safe point. The finalizer of an engine
# can run inside the garbage collector at any allocation — even inside an action that
# the C core is calling back — so it only queues; `_free_dropped` deletes, under the
# lock, where no C call is under way.
_DROPPED: collections.deque[int] = collections.deque()


class DurableUnavailable(Exception):
    """durable-rules cannot run here, or cannot run this catalogue safely."""


def _host_class() -> Any:
    try:
        from durable.engine import Host, MessageNotHandledException
    except (ImportError, OSError) as error:
        raise DurableUnavailable(
            f"the durable-rules engine is not available on this Python ({error}); "
            "it installs on CPython 3.11 and 3.12 only"
        ) from None

    class QuietHost(Host):  # type: ignore[misc, valid-type]
        """A Host without its background timer threads: this engine has no timers."""

        def _run(self) -> None:
            return None

    return QuietHost, MessageNotHandledException


@dataclass
class _Encoding:
    """How one problem's cases become durable-rules facts."""

    ruleset: str
    anchor_fields: dict[str, str]  # anchor unit → field name
    attribute_fields: dict[str, str]  # attribute → field name
    codes: dict[str, dict[Any, int]]  # enumeration/boolean attribute → value → code


class DurableEngine(Router):
    name = "durable"

    def __init__(self, compiled: Compiled) -> None:
        super().__init__(compiled)
        host_class, self._not_handled = _host_class()
        generation = next(_GENERATION)
        self._encodings: dict[str, _Encoding] = {}
        definitions: dict[str, Any] = {}
        # the actions append here; they must not hold the engine itself, or the engine
        # would live in a reference cycle and its rulesets would outlive it
        self._hits: list[str] = []
        self._query = itertools.count()
        for number, (problem, compiled_problem) in enumerate(compiled.problems.items()):
            encoding = self._encode(compiled_problem, f"dutylist_{generation}_{number}")
            definition = self._ruleset(compiled_problem, encoding)
            _check_limits(problem, definition)
            self._encodings[problem] = encoding
            if definition:
                definitions[encoding.ruleset] = definition
        with _LOCK:
            _free_dropped()
            self._host = host_class()
            if definitions:
                self._host.set_rulesets(definitions)
        self._registered = frozenset(definitions)
        handles = [self._host.get_ruleset(name)._handle for name in self._registered]
        self._release = weakref.finalize(self, _DROPPED.extend, handles)

    def close(self) -> None:
        """Free the rulesets in the C core now (also done after the engine is dropped)."""
        self._release()
        with _LOCK:
            _free_dropped()

    # -- compiling ----------------------------------------------------------------
    def _encode(self, compiled_problem: CompiledProblem, ruleset: str) -> _Encoding:
        anchors = sorted(
            {
                a
                for box in _boxes(compiled_problem)
                if box.places is not None
                for a in box.places.anchors
            }
        )
        attributes = self.catalog.attributes
        codes: dict[str, dict[Any, int]] = {}
        for name in compiled_problem.problem.attributes:
            attribute = attributes.get(name)
            if attribute is not None and attribute.type == "boolean":
                codes[name] = {False: 0, True: 1}
            elif attribute is not None and attribute.type == "enum":
                codes[name] = {value: code for code, value in enumerate(attribute.values)}
        return _Encoding(
            ruleset,
            {anchor: f"p{i}" for i, anchor in enumerate(anchors)},
            {name: f"a{i}" for i, name in enumerate(compiled_problem.problem.attributes)},
            codes,
        )

    def _ruleset(self, compiled_problem: CompiledProblem, encoding: _Encoding) -> dict[str, Any]:
        definition: dict[str, Any] = {}
        items = [(f"d{i}", d.box) for i, d in enumerate(compiled_problem.duties)]
        items += [(f"r{i}", r.box) for i, r in enumerate(compiled_problem.rules)]
        for name, box in items:
            condition = self._condition(box, encoding)
            if condition is not None:
                definition[name] = {"all": [{"m": condition}], "run": self._action(name)}
        return definition

    def _action(self, name: str) -> Any:
        hits = self._hits

        def record(closure: Any) -> None:
            hits.append(name)

        return record

    def _condition(self, box: Box, encoding: _Encoding) -> dict[str, Any] | None:
        """The box as a durable-rules condition; None when it can match nothing."""
        if box.is_empty():
            return None
        parts: list[dict[str, Any]] = [{"kind": "case"}]
        if box.places is not None:
            flags = [{encoding.anchor_fields[a]: 1} for a in sorted(box.places.anchors)]
            parts.append(_any_of(flags))
        for name, admitted in sorted(box.values.items()):
            field = encoding.attribute_fields[name]
            if isinstance(admitted, NumberSet):
                parts.append(_any_of([_interval(field, i) for i in admitted.intervals]))
            else:
                codes = encoding.codes[name]
                parts.append(
                    _any_of([{field: codes[v]} for v in sorted(admitted, key=codes.__getitem__)])
                )
        return {"$and": parts}

    # -- matching -----------------------------------------------------------------
    def match(
        self, compiled_problem: CompiledProblem, place: str, values: Values
    ) -> tuple[list[int], list[int]]:
        encoding = self._encodings[compiled_problem.problem.id]
        if encoding.ruleset not in self._registered:
            return [], []
        if not self._release.alive:
            raise DurableUnavailable("this durable-rules engine was closed; build a new one")
        fact = self._fact(encoding, place, values)
        with _LOCK:
            _free_dropped()
            self._hits.clear()
            try:
                with contextlib.suppress(self._not_handled):
                    self._host.assert_fact(encoding.ruleset, fact)
            finally:
                with contextlib.suppress(self._not_handled):
                    self._host.retract_fact(encoding.ruleset, fact)
            hits = list(self._hits)
        duties = sorted(int(h[1:]) for h in hits if h[0] == "d")
        rules = sorted(int(h[1:]) for h in hits if h[0] == "r")
        return duties, rules

    def _fact(self, encoding: _Encoding, place: str, values: Values) -> dict[str, Any]:
        fact: dict[str, Any] = {"qid": next(self._query), "kind": "case"}
        lineage = self.compiled.tree.lineage[place]
        for anchor, field in encoding.anchor_fields.items():
            if anchor in lineage:
                fact[field] = 1
        for name, field in encoding.attribute_fields.items():
            if name not in values:
                continue
            value = values[name]
            if name in encoding.codes:
                code = encoding.codes[name].get(value)
                if code is not None:
                    fact[field] = code
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                fact[field] = float(value)
        return fact


def _free_dropped() -> None:
    """Delete the queued rulesets of dropped engines; the caller holds `_LOCK`."""
    import durable_rules_engine

    while _DROPPED:
        handle = _DROPPED.popleft()
        # a ruleset that answered a case holds a state for the default session, which
        # deleting the ruleset leaves behind (150 kB each); none: error 309
        with contextlib.suppress(durable_rules_engine.error):
            durable_rules_engine.delete_state(handle, "0")
        durable_rules_engine.delete_ruleset(handle)


def _boxes(compiled_problem: CompiledProblem) -> list[Box]:
    return [d.box for d in compiled_problem.duties] + [r.box for r in compiled_problem.rules]


def _any_of(parts: list[dict[str, Any]]) -> dict[str, Any]:
    return parts[0] if len(parts) == 1 else {"$or": parts}


def _interval(field: str, interval: Any) -> dict[str, Any]:
    if interval.lo == interval.hi:
        return {field: float(interval.lo)}
    bounds: list[dict[str, Any]] = []
    if math.isfinite(interval.lo):
        bounds.append({"$gte" if interval.lo_closed else "$gt": {field: float(interval.lo)}})
    if math.isfinite(interval.hi):
        bounds.append({"$lte" if interval.hi_closed else "$lt": {field: float(interval.hi)}})
    if not bounds:
        return {"$ex": {field: 1}}
    return bounds[0] if len(bounds) == 1 else {"$and": bounds}


def _check_limits(problem: str, definition: Mapping[str, Any]) -> None:
    """Refuse, with the reason, a ruleset that would hang or crash durable-rules."""
    if len(definition) > MAX_RULES_PER_RULESET:
        raise DurableUnavailable(
            f"problem {problem} has {len(definition)} duties and rules; durable-rules "
            f"takes at most {MAX_RULES_PER_RULESET} in one ruleset"
        )
    conditions = [json.dumps(rule["all"], sort_keys=True) for rule in definition.values()]
    repeated = Counter(conditions).most_common(1)
    if repeated and repeated[0][1] > MAX_IDENTICAL_CONDITIONS:
        raise DurableUnavailable(
            f"problem {problem} has {repeated[0][1]} duties or rules with the same "
            f"conditions; durable-rules crashes past {MAX_IDENTICAL_CONDITIONS}"
        )
    fields: dict[str, set[str]] = {}
    for text in conditions:
        _collect_values(json.loads(text), fields)
    if len(fields) > MAX_FIELDS_PER_FACT:
        raise DurableUnavailable(
            f"problem {problem} needs {len(fields)} fields per case; durable-rules takes "
            f"at most {MAX_FIELDS_PER_FACT}"
        )
    for seen in fields.values():
        if len(seen) > MAX_VALUES_PER_FIELD:
            raise DurableUnavailable(
                f"problem {problem} tests one value against {len(seen)} constants; "
                f"durable-rules hangs past {MAX_VALUES_PER_FIELD}"
            )


def _collect_values(node: Any, fields: dict[str, set[str]]) -> None:
    if isinstance(node, list):
        for item in node:
            _collect_values(item, fields)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key.startswith("$") or key == "m":
                _collect_values(value, fields)
            else:
                fields.setdefault(key, set()).add(json.dumps(value))
