"""`dutylist lsp` driven over its real protocol: a pygls client starts the server as a
subprocess and speaks JSON-RPC to it on stdio, as an editor would."""

from __future__ import annotations

import asyncio
import shutil
import sys
import threading
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types as t
from pygls.lsp.client import LanguageClient

PANLONG = Path(__file__).parent.parent / "catalogs" / "panlong"
RULES = Path(__file__).parent.parent / "rules" / "panlong"
TIMEOUT = 20  # seconds to wait for the server's diagnostics


@pytest.fixture
def catalogue(tmp_path: Path) -> Path:
    shutil.copytree(PANLONG, tmp_path / "catalogs" / "panlong")
    shutil.copytree(RULES, tmp_path / "rules" / "panlong")
    return tmp_path / "catalogs" / "panlong"


class Editor:
    """A client that keeps the latest diagnostics of each file."""

    def __init__(self) -> None:
        self.client = LanguageClient("test-editor", "1")
        self.diagnostics: dict[str, list[t.Diagnostic]] = {}
        self.counts: dict[str, int] = {}  # publications seen per file
        self.marks: dict[str, int] = {}  # the count when the last edit was sent

        @self.client.feature(t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def published(ls: Any, params: t.PublishDiagnosticsParams) -> None:
            self.diagnostics[params.uri] = list(params.diagnostics)
            self.counts[params.uri] = self.counts.get(params.uri, 0) + 1

    async def start(self, lang: str = "en") -> None:
        await self.client.start_io(sys.executable, "-m", "dutylist", "lsp")
        await self.client.initialize_async(
            t.InitializeParams(
                capabilities=t.ClientCapabilities(), initialization_options={"lang": lang}
            )
        )
        self.client.initialized(t.InitializedParams())

    def mark(self, uri: str) -> None:
        self.marks[uri] = self.counts.get(uri, 0)

    async def settled(self, uri: str) -> list[t.Diagnostic]:
        """The diagnostics of `uri` published after the last edit sent."""
        waited = 0.0
        while self.counts.get(uri, 0) <= self.marks.get(uri, 0):
            await asyncio.sleep(0.05)
            waited += 0.05
            if waited > TIMEOUT:
                raise TimeoutError(f"no diagnostics for {uri} in {TIMEOUT} s: {self.counts}")
        return self.diagnostics[uri]

    async def stop(self) -> None:
        await self.client.shutdown_async(None)
        self.client.exit(None)
        await self.client.stop()


async def _ask(request: Awaitable[Any]) -> Any:
    """A request's answer, or a failure (never a hung test) when none comes."""
    return await asyncio.wait_for(request, TIMEOUT)


def _session(script: Callable[[Editor], Awaitable[None]], lang: str = "en") -> None:
    async def run() -> None:
        editor = Editor()
        await editor.start(lang)
        try:
            await script(editor)
        finally:
            await asyncio.wait_for(editor.stop(), TIMEOUT)

    # in a thread of its own: another test's browser may hold this thread's event loop
    failures: list[BaseException] = []

    def in_thread() -> None:
        try:
            asyncio.run(run())
        except BaseException as error:  # handed to the test below
            failures.append(error)

    worker = threading.Thread(target=in_thread)
    worker.start()
    worker.join(TIMEOUT * 6)
    assert not worker.is_alive(), "the language server session did not end"
    if failures:
        raise failures[0]


def _open(editor: Editor, path: Path, text: str | None = None) -> str:
    uri = path.resolve().as_uri()
    editor.mark(uri)
    editor.client.text_document_did_open(
        t.DidOpenTextDocumentParams(
            t.TextDocumentItem(
                uri, "yaml", 1, text if text is not None else path.read_text("utf-8")
            )
        )
    )
    return uri


def _change(editor: Editor, uri: str, text: str, version: int = 2) -> None:
    editor.mark(uri)
    editor.client.text_document_did_change(
        t.DidChangeTextDocumentParams(
            t.VersionedTextDocumentIdentifier(version, uri),
            [t.TextDocumentContentChangeWholeDocument(text)],
        )
    )


def test_the_two_typos_of_the_tour_show_as_they_are_typed_with_quick_fixes(
    catalogue: Path,
) -> None:
    duties = catalogue / "duties.yaml"
    clean = duties.read_text("utf-8")
    typed = clean.replace("    lead: cgj\n    support: [zjj, zrzyj, ga]",
                          "    lead: 城管\n    suport: [zjj, zrzyj, ga]", 1)  # fmt: skip
    assert typed != clean

    async def script(editor: Editor) -> None:
        uri = _open(editor, duties)
        assert [d for d in await editor.settled(uri) if d.severity == 1] == []
        _change(editor, uri, typed)
        found = {d.code: d for d in await editor.settled(uri)}
        assert set(found) == {"DL104", "DL102"}, found
        lead, key = found["DL104"], found["DL102"]
        assert (lead.range.start.line, lead.range.start.character) == (21, 10)
        assert lead.range.end.character == 12  # the two characters of 城管
        assert "write its id, cgj" in lead.message
        assert (key.range.start.line, key.range.start.character, key.range.end.character) == (
            22, 4, 10)  # fmt: skip
        assert lead.severity == t.DiagnosticSeverity.Error and lead.source == "dutylist"
        fixes = await _ask(
            editor.client.text_document_code_action_async(
                t.CodeActionParams(
                    text_document=t.TextDocumentIdentifier(uri),
                    range=key.range,
                    context=t.CodeActionContext(diagnostics=[lead, key]),
                )
            )
        )
        assert fixes is not None
        edits = {
            a.title: a.edit.changes[uri][0].new_text for a in fixes if a.edit and a.edit.changes
        }
        assert edits == {"write cgj": "cgj", "write support": "support"}
        # the edit typed back: clean again, on the disk nothing changed
        _change(editor, uri, clean, 3)
        assert [d for d in await editor.settled(uri) if d.severity == 1] == []
        assert duties.read_text("utf-8") == clean

    _session(script)


def test_hover_definition_references_and_completion(catalogue: Path) -> None:
    duties = catalogue / "duties.yaml"
    text = duties.read_text("utf-8")
    lines = text.split("\n")
    lead_line = next(n for n, line in enumerate(lines) if line == "    lead: cgj")

    async def script(editor: Editor) -> None:
        uri = _open(editor, duties)
        await editor.settled(uri)
        document = t.TextDocumentIdentifier(uri)
        at_cgj = t.Position(lead_line, 11)
        shown = await _ask(
            editor.client.text_document_hover_async(
                t.HoverParams(text_document=document, position=at_cgj)
            )
        )
        assert shown is not None and isinstance(shown.contents, t.MarkupContent)
        assert "区城市管理局" in shown.contents.value and "department" in shown.contents.value
        places = await _ask(
            editor.client.text_document_definition_async(
                t.DefinitionParams(text_document=document, position=at_cgj)
            )
        )
        assert isinstance(places, list) and len(places) == 1
        units = (catalogue / "units.yaml").read_text("utf-8").split("\n")
        assert "id: cgj" in units[places[0].range.start.line]
        assert places[0].uri.endswith("units.yaml")
        used = await _ask(
            editor.client.text_document_references_async(
                t.ReferenceParams(
                    text_document=document,
                    position=at_cgj,
                    context=t.ReferenceContext(include_declaration=True),
                )
            )
        )
        assert used is not None
        files = {u.uri.rsplit("/", 1)[-1] for u in used}
        assert {"units.yaml", "duties.yaml"} <= files
        written = sum(line.split("#", 1)[0].count("cgj") for line in lines)
        assert sum(1 for u in used if u.uri == uri) == written
        # completion: units after `lead: `, the duty's keys at a key, values of an attribute
        edited = "\n".join([*lines[:lead_line], "    lead: ", *lines[lead_line + 1 :]])
        _change(editor, uri, edited)
        await editor.settled(uri)
        offered = await _ask(
            editor.client.text_document_completion_async(
                t.CompletionParams(text_document=document, position=t.Position(lead_line, 10))
            )
        )
        assert offered is not None
        labels = {i.label: i.detail for i in offered.items}
        assert labels.get("cgj") == "区城市管理局" and "gulou" in labels
        keyed = "\n".join([*lines[:lead_line], "    ", *lines[lead_line:]])
        _change(editor, uri, keyed, 3)
        await editor.settled(uri)
        offered = await _ask(
            editor.client.text_document_completion_async(
                t.CompletionParams(text_document=document, position=t.Position(lead_line, 4))
            )
        )
        assert offered is not None
        assert {"support", "needs", "effective", "list"} <= {i.label for i in offered.items}

    _session(script)


def test_messages_in_chinese_when_the_editor_asks(catalogue: Path) -> None:
    duties = catalogue / "duties.yaml"
    typed = duties.read_text("utf-8").replace("    lead: cgj\n", "    lead: 城管\n", 1)

    async def script(editor: Editor) -> None:
        uri = _open(editor, duties, typed)
        found = [d for d in await editor.settled(uri) if d.code == "DL104"]
        assert found and "请写编号 cgj" in found[0].message

    _session(script, lang="zh")
