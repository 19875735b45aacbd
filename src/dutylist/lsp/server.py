"""`dutylist lsp`: the Language Server Protocol over stdio (pygls), for catalogue authors.

Diagnostics are the findings of `dutylist check` on the open files as typed (code,
severity, range, in the user's language); hover shows what an id names; definition and
references find ids across the catalogue's files; completion offers ids, keys and
declared values where the schema allows them; a quick fix applies what a finding
already suggests ("did you mean 'support'", "write its id, cgj").
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from lsprotocol import types as t
from pygls.lsp.server import LanguageServer

from dutylist import __version__
from dutylist.findings import Finding, Severity
from dutylist.gcpause import QuietCollector
from dutylist.i18n import Lang, default_lang
from dutylist.load.schema import bundled_schema
from dutylist.lsp.workspace import Checked, Workspace

# file kind → the schema's definition of one entry of it
ENTRY_OF_KIND = {
    "units": "unit",
    "problems": "problem",
    "duties": "duty",
    "whistles": "whistle",
    "tasks": "task",
    "cases": "case",
    "rules": "rule",
    "catalog": "catalog-file",
}
UNIT_FIELDS = re.compile(
    r"^\s*(?:-\s*)?(?:lead|parent|to|blower|also_report|support)\s*:\s*\[?[^#]*$"
)
PLACE_FIELDS = re.compile(r"(?:^|[{,\s])at\s*:\s*\[?[^#\]}]*$")
PROBLEM_FIELD = re.compile(r"(?:^|[{,\s])problem\s*:\s*[^#,}]*$")
WHISTLE_FIELD = re.compile(r"^\s*(?:-\s*)?whistle\s*:\s*[^#]*$")
KEY_POSITION = re.compile(r"^\s*(?:-\s+)?[A-Za-z_]*$")
VALUE_OF = re.compile(r"(?:^|[{,\s])([A-Za-z][A-Za-z0-9_]*)\s*:\s*\[?[^#:\]}]*$")
SUGGESTION = re.compile(
    r"did you mean '([^']+)'|write its id, ([A-Za-z0-9._-]+)|是不是要写“([^”]+)”"
)


def uri_to_path(uri: str) -> Path:
    return Path(unquote(urlparse(uri).path))


def path_to_uri(path: Path) -> str:
    return path.resolve().as_uri()


class CatalogueServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(
            "dutylist", __version__, text_document_sync_kind=t.TextDocumentSyncKind.Full
        )
        self.workspace_state = Workspace()
        self.lang: Lang = default_lang()
        self.published: dict[Path, set[str]] = {}  # catalogue → the files given diagnostics
        self.collector = QuietCollector()


server = CatalogueServer()


# -- diagnostics -----------------------------------------------------------------------------
def _range(finding: Finding, lines: list[str]) -> t.Range:
    line = max(finding.location.line - 1, 0)
    column = max(finding.location.column - 1, 0)
    here = lines[line] if line < len(lines) else ""
    end = column
    while end < len(here) and here[end] not in " ,]}#:\t":
        end += 1
    if end == column:
        end = len(here)
    return t.Range(t.Position(line, column), t.Position(line, end))


def diagnostic(finding: Finding, lines: list[str], lang: Lang) -> t.Diagnostic:
    severity = (
        t.DiagnosticSeverity.Error
        if finding.severity is Severity.ERROR
        else t.DiagnosticSeverity.Warning
    )
    return t.Diagnostic(
        range=_range(finding, lines),
        message=finding.message(lang),
        severity=severity,
        code=finding.code,
        source="dutylist",
        code_description=None,
    )


def publish(ls: CatalogueServer, checked: Checked) -> None:
    by_file: dict[Path, list[Finding]] = {}
    for found in checked.findings:
        if found.location.file:
            by_file.setdefault(Path(found.location.file).resolve(), []).append(found)
    files = {p.resolve() for p in ls.workspace_state.files_of(checked)} | set(by_file)
    earlier = ls.published.get(checked.folder.resolve(), set())
    for path in files | {Path(p) for p in earlier}:
        in_file = by_file.get(path, [])
        lines = ls.workspace_state.text_of(path).split("\n") if in_file else []
        shown = [diagnostic(f, lines, ls.lang) for f in in_file]
        ls.text_document_publish_diagnostics(
            t.PublishDiagnosticsParams(uri=path_to_uri(path), diagnostics=shown)
        )
    ls.published[checked.folder.resolve()] = {str(p) for p in by_file}


def _recheck(ls: CatalogueServer, uri: str) -> None:
    with ls.collector.working():
        checked = ls.workspace_state.check(uri_to_path(uri))
        if checked is not None:
            publish(ls, checked)


@server.feature(t.INITIALIZE)
def initialize(ls: CatalogueServer, params: t.InitializeParams) -> None:
    options = params.initialization_options or {}
    if isinstance(options, dict) and options.get("lang") in ("zh", "en"):
        ls.lang = options["lang"]


@server.feature(t.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: CatalogueServer, params: t.DidOpenTextDocumentParams) -> None:
    ls.workspace_state.set_text(uri_to_path(params.text_document.uri), params.text_document.text)
    _recheck(ls, params.text_document.uri)


@server.feature(t.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: CatalogueServer, params: t.DidChangeTextDocumentParams) -> None:
    path = uri_to_path(params.text_document.uri)
    text = ls.workspace_state.text_of(path)
    for change in params.content_changes:
        if isinstance(change, t.TextDocumentContentChangeWholeDocument):
            text = change.text
        else:  # a range replaced (clients that send increments anyway)
            text = _apply(text, change)
    ls.workspace_state.set_text(path, text)
    _recheck(ls, params.text_document.uri)


def _apply(text: str, change: Any) -> str:
    lines = text.split("\n")
    start, end = change.range.start, change.range.end

    def offset(position: t.Position) -> int:
        return sum(len(line) + 1 for line in lines[: position.line]) + position.character

    return text[: offset(start)] + change.text + text[offset(end) :]


@server.feature(t.TEXT_DOCUMENT_DID_SAVE)
def did_save(ls: CatalogueServer, params: t.DidSaveTextDocumentParams) -> None:
    _recheck(ls, params.text_document.uri)


@server.feature(t.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: CatalogueServer, params: t.DidCloseTextDocumentParams) -> None:
    ls.workspace_state.set_text(uri_to_path(params.text_document.uri), None)
    _recheck(ls, params.text_document.uri)


# -- hover, definition, references ------------------------------------------------------------
KIND_WORDS = {
    "unit": ("unit", "单位"),
    "problem": ("problem type", "问题类型"),
    "duty": ("duty", "职责"),
    "rule": ("rule", "规则"),
    "whistle": ("whistle", "哨"),
    "attribute": ("attribute", "属性"),
}


def _word(ls: CatalogueServer, uri: str, position: t.Position) -> tuple[Checked | None, str | None]:
    path = uri_to_path(uri)
    word = ls.workspace_state.token_at(path, position.line, position.character)
    return ls.workspace_state.latest(path), word


@server.feature(t.TEXT_DOCUMENT_HOVER)
def hover(ls: CatalogueServer, params: t.HoverParams) -> t.Hover | None:
    checked, word = _word(ls, params.text_document.uri, params.position)
    if checked is None or word is None or word not in checked.definitions:
        return None
    zh = ls.lang == "zh"
    lines = []
    for found in checked.definitions[word]:
        kind = KIND_WORDS[found.kind][1 if zh else 0]
        detail = (
            f"（{found.detail}）"
            if zh and found.detail
            else f" ({found.detail})"
            if found.detail
            else ""
        )
        where = "定义于" if zh else "defined at"
        lines.append(f"**{found.name}** `{found.id}` — {kind}{detail}  \n{where} {found.location}")
    return t.Hover(contents=t.MarkupContent(kind=t.MarkupKind.Markdown, value="\n\n".join(lines)))


def _location(path: str, line: int, column: int, length: int) -> t.Location:
    start = t.Position(max(line, 0), max(column, 0))
    return t.Location(
        uri=path_to_uri(Path(path)),
        range=t.Range(start, t.Position(start.line, start.character + length)),
    )


@server.feature(t.TEXT_DOCUMENT_DEFINITION)
def definition(ls: CatalogueServer, params: t.DefinitionParams) -> list[t.Location] | None:
    checked, word = _word(ls, params.text_document.uri, params.position)
    if checked is None or word is None or word not in checked.definitions:
        return None
    return [
        _location(d.location.file, d.location.line - 1, d.location.column - 1, len(word))
        for d in checked.definitions[word]
    ]


@server.feature(t.TEXT_DOCUMENT_REFERENCES)
def references(ls: CatalogueServer, params: t.ReferenceParams) -> list[t.Location] | None:
    checked, word = _word(ls, params.text_document.uri, params.position)
    if checked is None or word is None or word not in checked.definitions:
        return None
    return [
        _location(str(path), line, column, len(word))
        for path, line, column in ls.workspace_state.references(checked, word)
    ]


# -- completion -------------------------------------------------------------------------------
@server.feature(t.TEXT_DOCUMENT_COMPLETION, t.CompletionOptions(trigger_characters=[" ", "[", ","]))
def completion(ls: CatalogueServer, params: t.CompletionParams) -> t.CompletionList:
    path = uri_to_path(params.text_document.uri)
    checked = ls.workspace_state.latest(path)
    lines = ls.workspace_state.text_of(path).split("\n")
    line = lines[params.position.line] if params.position.line < len(lines) else ""
    before = line[: params.position.character]
    items = _completions(checked, path, before) if checked is not None else []
    return t.CompletionList(is_incomplete=False, items=items)


def _completions(checked: Checked, path: Path, before: str) -> list[t.CompletionItem]:
    catalog = checked.loaded.catalog
    if catalog is None:
        return []
    if PLACE_FIELDS.search(before):
        return [_item(u.id, u.name, t.CompletionItemKind.Reference)
                for u in catalog.units.values() if u.is_place]  # fmt: skip
    if PROBLEM_FIELD.search(before):
        return [
            _item(p.id, p.name, t.CompletionItemKind.Reference) for p in catalog.problems.values()
        ]
    if WHISTLE_FIELD.search(before):
        return [
            _item(w.id, w.name, t.CompletionItemKind.Reference) for w in catalog.whistles.values()
        ]
    if UNIT_FIELDS.search(before):
        return [_item(u.id, u.name, t.CompletionItemKind.Reference) for u in catalog.units.values()]
    value = VALUE_OF.search(before)
    if value and value.group(1) in catalog.attributes:
        attribute = catalog.attributes[value.group(1)]
        values = list(attribute.values) if attribute.type == "enum" else (
            ["true", "false"] if attribute.type == "boolean" else [])  # fmt: skip
        return [_item(v, attribute.name or attribute.id, t.CompletionItemKind.EnumMember)
                for v in values]  # fmt: skip
    if KEY_POSITION.match(before):
        return [_item(k, "", t.CompletionItemKind.Property) for k in _keys(path)]
    return []


def _keys(path: Path) -> list[str]:
    from dutylist.load.paths import CATALOG_FILES

    kind = CATALOG_FILES.get(path.name, "rules")
    entry = ENTRY_OF_KIND.get(kind)
    definition = bundled_schema()["$defs"].get(entry or "", {})
    return sorted(definition.get("properties", {}))


def _item(label: str, detail: str, kind: t.CompletionItemKind) -> t.CompletionItem:
    return t.CompletionItem(label=label, detail=detail or None, kind=kind)


# -- quick fixes ------------------------------------------------------------------------------
@server.feature(t.TEXT_DOCUMENT_CODE_ACTION)
def code_action(ls: CatalogueServer, params: t.CodeActionParams) -> list[t.CodeAction]:
    actions = []
    for found in params.context.diagnostics:
        match = SUGGESTION.search(found.message)
        if match is None:
            continue
        replacement = next(g for g in match.groups() if g)
        title = f"写作 {replacement}" if ls.lang == "zh" else f"write {replacement}"
        edit = t.WorkspaceEdit(
            changes={
                params.text_document.uri: [t.TextEdit(range=found.range, new_text=replacement)]
            }
        )
        actions.append(
            t.CodeAction(
                title=title,
                kind=t.CodeActionKind.QuickFix,
                diagnostics=[found],
                edit=edit,
                is_preferred=True,
            )
        )
    return actions


def serve_stdio() -> None:
    server.start_io()
