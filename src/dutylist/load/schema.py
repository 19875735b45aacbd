"""JSON Schema validation of each catalogue file, errors mapped to file positions.

The schemas (draft 2020-12) ship in `dutylist/schemas/dutylist.schema.json`, one
`$defs/<kind>-file` per file kind; `dutylist schema KIND` prints a standalone copy.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import fastjsonschema

from dutylist.load.splice import Splice
from dutylist.load.yamlread import LocList, LocMap, Mark, key_mark, value_mark

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True, slots=True)
class SchemaProblem:
    code: str
    mark: Mark
    message_key: str
    args: dict[str, Any]
    path: tuple[str | int, ...]


@cache
def bundled_schema() -> dict[str, Any]:
    text = resources.files("dutylist").joinpath("schemas/dutylist.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def standalone_schema(kind: str) -> dict[str, Any]:
    """A schema for one file kind, usable on its own by editors."""
    bundle = bundled_schema()
    return {
        "$schema": bundle["$schema"],
        "$id": f"https://dutylist.invalid/schemas/{kind}.schema.json",
        "title": f"dutylist {kind} file",
        "$ref": f"#/$defs/{kind}-file",
        "$defs": bundle["$defs"],
    }


@cache
def _validator(kind: str) -> Draft202012Validator:
    """A validator over the schema with every `$ref` inlined.

    The schemas are not recursive, so inlining is exact; it spares jsonschema a reference
    lookup per node, which was most of its time on a city-scale catalogue.
    """
    # jsonschema only explains files that fail the fast check; import it only then
    from jsonschema import Draft202012Validator, FormatChecker

    return Draft202012Validator(_inlined(kind), format_checker=FormatChecker(["date"]))


@cache
def _inlined(kind: str) -> dict[str, Any]:
    inlined: dict[str, Any] = _inline(standalone_schema(kind)["$ref"], bundled_schema()["$defs"])
    return {"$schema": bundled_schema()["$schema"], **inlined}


def _inline(node: Any, defs: dict[str, Any]) -> Any:
    if isinstance(node, str) and node.startswith("#/$defs/"):
        return _inline(defs[node.removeprefix("#/$defs/")], defs)
    if isinstance(node, dict):
        if set(node) == {"$ref"}:
            return _inline(node["$ref"], defs)
        return {
            key: _inline(value, defs) if key != "$ref" else value for key, value in node.items()
        }
    if isinstance(node, list):
        return [_inline(item, defs) for item in node]
    return node


@cache
def _fast_check(kind: str) -> Callable[[Any], Any]:
    """The same inlined schema compiled by fastjsonschema: a quick yes or no. A `oneOf`
    whose branches admit different JSON types is checked as `anyOf` (the same answer: an
    instance has one type, so at most one branch can hold), which stops at the branch
    that holds instead of raising an exception in each of the others — most of the
    check's time on a city's duties."""
    schema = {
        **_any_of_disjoint(_inlined(kind)),
        "$schema": "http://json-schema.org/draft-07/schema#",
    }
    return fastjsonschema.compile(schema, formats={"date": is_date})


def _any_of_disjoint(node: Any) -> Any:
    if isinstance(node, list):
        return [_any_of_disjoint(item) for item in node]
    if not isinstance(node, dict):
        return node
    rewritten = {key: _any_of_disjoint(value) for key, value in node.items()}
    branches = node.get("oneOf")
    if isinstance(branches, list) and _types_disjoint(branches):
        rewritten["anyOf"] = rewritten.pop("oneOf")
    return rewritten


def _types_disjoint(branches: list[Any]) -> bool:
    """Whether no instance can satisfy two of the branches by their `type` alone."""
    seen: set[str] = set()
    for branch in branches:
        written = branch.get("type") if isinstance(branch, dict) else None
        if written is None:
            return False
        types = {written} if isinstance(written, str) else set(written)
        if "number" in types:
            types.add("integer")  # an integer is a number too
        if "integer" in types:
            types.add("number")
        if types & seen:
            return False
        seen |= types
    return True


def is_date(text: Any) -> bool:
    """YYYY-MM-DD and a real day, as jsonschema's `date` format requires."""
    if not isinstance(text, str):
        return True  # a format constrains text only; the type is checked elsewhere
    if not _DATE.fullmatch(text):
        return False
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def passes(kind: str, document: Any) -> bool:
    try:
        _fast_check(kind)(document)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


def validate(kind: str, document: Any) -> list[SchemaProblem]:
    """All schema problems of one parsed file, each at its key or value."""
    if passes(kind, document):
        return []
    problems: list[SchemaProblem] = []
    for error in _validator(kind).iter_errors(document):
        problems.extend(_explain(error, document))
    problems.sort(key=lambda p: p.mark)
    return problems


def revalidate(kind: str, splice: Splice, earlier: list[SchemaProblem]) -> list[SchemaProblem]:
    """The schema problems of a spliced document: the earlier reading's outside the
    entries read again (moved along when their number changed), and those entries'
    own. A file's lists constrain nothing but each item, so this is exactly `validate`
    of the whole document."""
    key, first = splice.key, splice.first
    moved = splice.added - splice.replaced
    problems = []
    for problem in earlier:
        path = problem.path
        if len(path) < 2 or path[0] != key or not isinstance(path[1], int) or path[1] < first:
            problems.append(problem)
        elif path[1] >= first + splice.replaced:
            problems.append(replace(problem, path=(key, path[1] + moved, *path[2:])))
    items = splice.document[key]
    for index in range(first, first + splice.added):
        problems.extend(_item_problems(kind, splice.document, key, items, index))
    problems.sort(key=lambda p: p.mark)
    return problems


def _item_problems(
    kind: str, document: LocMap, key: str, items: LocList, index: int
) -> Iterator[SchemaProblem]:
    """One list item's problems, found by validating a file that holds only that item
    (so each problem's path and position are those of the whole file's validation)."""
    alone = LocList(items.mark)
    alone.append(items[index])
    alone.item_marks = [items.item_marks[index]]
    holder = LocMap(document.mark)
    holder[key] = alone
    holder.key_marks[key] = document.key_marks[key]
    holder.value_marks[key] = document.value_marks[key]
    for problem in validate(kind, holder):
        if problem.path[:2] == (key, 0):
            yield replace(problem, path=(key, index, *problem.path[2:]))


def _explain(error: ValidationError, document: Any) -> Iterator[SchemaProblem]:
    error = _deepest(error)
    path = tuple(error.absolute_path)
    mark = _mark_of(document, path)
    expect = _expectation(error)
    found = _describe(error.instance)
    validator = error.validator
    if error.instance is None and validator != "required":
        yield SchemaProblem("DL101", mark, "DL101.null", {"expect": expect}, path)
    elif validator == "additionalProperties":
        yield from _unknown_keys(error, document, path)
    elif validator == "required":
        missing = _missing_key(error)
        yield SchemaProblem("DL103", mark, "DL103", {"key": missing}, path)
    elif validator == "type":
        yield SchemaProblem("DL101", mark, "DL101", {"found": found, "expect": expect}, path)
    elif validator == "enum":
        yield _enum_problem(error, mark, path)
    elif validator in ("minProperties", "minItems", "minLength"):
        yield SchemaProblem("DL101", mark, "DL101.empty", {"expect": expect}, path)
    elif validator == "propertyNames":
        bad = error.instance if isinstance(error.instance, str) else found
        yield SchemaProblem("DL104", mark, "DL104.key", {"value": bad, "expect": expect}, path)
    elif validator == "oneOf" and isinstance(error.instance, dict):
        yield SchemaProblem("DL101", mark, "DL101.shape", {"expect": expect}, path)
    else:
        yield SchemaProblem("DL104", mark, "DL104", {"value": found, "expect": expect}, path)


def _deepest(error: ValidationError) -> ValidationError:
    """For oneOf/anyOf, the branch error that best explains the mistake.

    An error inside the value (a typo in a range's key, text where a bound's number is
    due) says more than 'is not valid under any of the given schemas'.
    """
    from jsonschema.exceptions import best_match

    while error.validator in ("oneOf", "anyOf") and error.context:
        inside = [e for e in error.context if e.path]
        if inside:
            error = best_match(inside)
            continue
        pointed = [e for e in error.context if e.validator not in _VAGUE]
        if not pointed:
            return error
        error = best_match(pointed)
    return error


_VAGUE = ("type", "oneOf", "anyOf", "not", "required")


def _unknown_keys(
    error: ValidationError, document: Any, path: tuple[Any, ...]
) -> Iterator[SchemaProblem]:
    schema: Any = error.schema
    allowed = sorted(schema.get("properties", {}))
    container = _node_at(document, path)
    instance: Any = error.instance
    extras = [k for k in instance if k not in allowed]
    for key in extras:
        mark = key_mark(container, key) or _mark_of(document, path)
        args: dict[str, Any] = {"key": key, "allowed": allowed}
        close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.5)
        if close:
            args["hint"] = {"en": f"did you mean '{close[0]}'?", "zh": f"是不是要写“{close[0]}”？"}
        yield SchemaProblem("DL102", mark, "DL102", args, (*path, key))


def _enum_problem(error: ValidationError, mark: Mark, path: tuple[Any, ...]) -> SchemaProblem:
    listed: Any = error.validator_value
    options = [str(v) for v in listed]
    args: dict[str, Any] = {"value": _describe(error.instance), "allowed": options}
    if isinstance(error.instance, str):
        close = difflib.get_close_matches(error.instance, options, n=1, cutoff=0.5)
        if close:
            args["hint"] = {"en": f"did you mean '{close[0]}'?", "zh": f"是不是要写“{close[0]}”？"}
    return SchemaProblem("DL104", mark, "DL104.enum", args, path)


def _missing_key(error: ValidationError) -> str:
    required: Any = error.validator_value
    for key in required:
        if isinstance(error.instance, dict) and key not in error.instance:
            return str(key)
    return str(required[0])


def _expectation(error: ValidationError) -> dict[str, str] | str:
    expect = error.schema.get("x-expect") if isinstance(error.schema, dict) else None
    if expect:
        return dict(expect)
    wanted = error.schema.get("type") if isinstance(error.schema, dict) else None
    if wanted is None and isinstance(error.schema, dict) and "$ref" in error.schema:
        wanted = error.schema["$ref"].rsplit("/", 1)[-1]
    names = {
        "object": {"en": "a mapping (key: value)", "zh": "映射（键: 值）"},
        "array": {"en": "a list", "zh": "列表"},
        "string": {"en": "text", "zh": "文字"},
        "number": {"en": "a number", "zh": "数字"},
        "integer": {"en": "a whole number", "zh": "整数"},
        "boolean": {"en": "true or false", "zh": "true 或 false"},
    }
    if isinstance(wanted, str) and wanted in names:
        return names[wanted]
    return {"en": "a valid value", "zh": "合法的取值"}


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, LocMap)):
        return "{…}"
    if isinstance(value, (list, LocList)):
        return "[…]"
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "…"


def _node_at(document: Any, path: tuple[Any, ...]) -> Any:
    node = document
    for step in path:
        node = node[step]
    return node


def _mark_of(document: Any, path: tuple[Any, ...]) -> Mark:
    fallback: Mark = getattr(document, "mark", (1, 1))
    if not path:
        return fallback
    parent = _node_at(document, path[:-1])
    found = value_mark(parent, path[-1])
    return found if found is not None else getattr(parent, "mark", fallback)
