"""Read the text of an untrusted PDF or DOCX under hard limits, in a child process of its own.

Run as ``python -I uploadworker.py '<limits as JSON>'`` with the file on stdin (``format`` in the
limits: ``pdf`` or ``docx``); it prints one JSON object: ``{"pages": [...]}`` or
``{"problem": ..., "detail": ...}``. It imports nothing of the
project (a fast start, and a crash here cannot reach the server), and limits itself first:

- CPU seconds (``RLIMIT_CPU``: the kernel stops the process) and address space (``RLIMIT_AS``),
  so no PDF can burn a worker's CPU or memory for long; the parent also has a wall-clock timeout;
- pypdf's own limits: decompressed bytes per stream and per chain of filters, filters per
  stream, page-tree depth and entries, array and dictionary sizes, tokens per content stream;
- pages (``maxPages``), text (``maxChars``) and nesting (a low recursion limit: a deeply nested
  array raises ``RecursionError`` quickly instead of exhausting the stack);
- a DOCX (a zip of XML parts): at most ``MAX_DOCX_PARTS`` parts whose declared sizes add up to at
  most ``maxStreamMb`` x 4 (a zip bomb is refused before anything is inflated; a part that lies
  about its size still stops at the address-space limit); python-docx's XML parser resolves no
  entities.

Problems: ``decompressed`` (a stream or the archive expands past the limit), ``pages``,
``structure`` (too deep, too many objects, parts or tokens, cycles), ``unreadable`` (not a file
pypdf or python-docx can read).
"""

from __future__ import annotations

import contextlib
import io
import json
import resource
import sys
from typing import Any

DECOMPRESSION = ("decompress", "decoding work", "output bytes", "stream length",
                 "maximum allowed length", "filter count", "memory limit", "buffer")


def _limit_self(limits: dict[str, Any]) -> None:
    cpu = int(limits["cpuSeconds"])
    memory = int(limits["memoryMb"]) * 1024 * 1024
    for which, value in ((resource.RLIMIT_CPU, (cpu, cpu + 1)),
                         (resource.RLIMIT_AS, (memory, memory))):
        # A platform without one (RLIMIT_AS on macOS) keeps pypdf's limits and the parent's
        # wall-clock timeout.
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(which, value)
    sys.setrecursionlimit(int(limits["recursion"]))


def _configuration(limits: dict[str, Any]) -> dict[str, Any]:
    stream = int(limits["maxStreamMb"]) * 1024 * 1024
    return {
        "maximum_declared_stream_length": stream,
        "array_based_stream_maximum_output_length": stream,
        "zlib_maximum_output_length": stream,
        "zlib_maximum_recovery_input_length": stream,
        "lzw_maximum_output_length": stream,
        "run_length_maximum_output_length": stream,
        "brotli_maximum_output_length": stream,
        "jbig2_maximum_output_length": stream,
        "image_maximum_buffer_size": stream,
        "jbig2dec_binary": None,  # never start another program
        "stream_decoding_work_maximum_length": 2 * stream,  # a chain of filters in all
        "stream_filters_maximum_length": 4,
        "stream_parsing_work_maximum_count": 500_000,
        "array_maximum_element_count": 50_000,
        "dictionary_maximum_element_count": 10_000,
        "page_tree_maximum_depth": 32,
        "page_tree_maximum_entries": 4 * int(limits["maxPages"]) + 64,
        "page_tree_maximum_page_entries": 100_000,
        "xform_maximum_invocations_per_extraction": 200,
        "outline_maximum_depth": 32,
        "form_fields_maximum_depth": 32,
        "named_destinations_maximum_depth": 32,
    }


def _causes(exc: BaseException) -> list[BaseException]:
    found: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and len(found) < 20:
        found.append(current)
        current = current.__cause__ or current.__context__
    return found


def extract(data: bytes, limits: dict[str, Any]) -> dict[str, Any]:
    from pypdf import PdfReader, apply_configuration
    from pypdf.errors import LimitReachedError, PdfReadError

    try:
        with apply_configuration(**_configuration(limits)):
            reader = PdfReader(io.BytesIO(data))
            count = len(reader.pages)
            if count > int(limits["maxPages"]):
                return {"problem": "pages", "detail": str(count)}
            pages: list[str] = []
            size = 0
            for page in reader.pages:
                text = page.extract_text() or ""
                pages.append(text)
                size += len(text)
                if size >= int(limits["maxChars"]):
                    break
            return {"pages": pages}
    except LimitReachedError as exc:
        message = str(exc).lower()
        problem = "decompressed" if any(w in message for w in DECOMPRESSION) else "structure"
        return {"problem": problem, "detail": str(exc)[:200]}
    except (RecursionError, MemoryError) as exc:
        problem = "structure" if isinstance(exc, RecursionError) else "decompressed"
        return {"problem": problem, "detail": type(exc).__name__}
    except PdfReadError as exc:
        # pypdf wraps some failures: a RecursionError underneath is a structure too deep.
        deep = any(isinstance(cause, RecursionError) for cause in _causes(exc))
        return {"problem": "structure" if deep else "unreadable", "detail": str(exc)[:200]}
    except Exception as exc:  # whatever else a malformed file trips in pypdf
        return {"problem": "unreadable", "detail": type(exc).__name__}


MAX_DOCX_PARTS = 500
WORD_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _docx_lines(document: Any, max_chars: int) -> list[str]:
    """The body in reading order, as the Markdown the resumes store: headings as ``##``/``###``,
    list paragraphs as ``-`` bullets, a table row as its cells joined by `` | ``."""
    from docx.table import Table

    lines: list[str] = []
    size = 0
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            rows = [" | ".join(cell.text.strip() for cell in row.cells) for row in item.rows]
            found = [row for row in rows if row.strip(" |")]
        else:
            text = item.text.strip()
            if not text:
                found = [""]
            else:
                style = (item.style.name if item.style is not None else "") or ""
                numbered = item._p.find(f"{WORD_NS}pPr/{WORD_NS}numPr") is not None
                if style == "Title":
                    found = [text]
                elif style.startswith("Heading"):
                    level = style.removeprefix("Heading").strip()
                    found = ["", ("### " if level not in ("", "1") else "## ") + text]
                elif numbered or style.startswith("List"):
                    found = [f"- {text}"]
                else:
                    found = [text]
        lines.extend(found)
        size += sum(len(line) + 1 for line in found)
        if size >= max_chars:
            break
    return lines


def extract_docx(data: bytes, limits: dict[str, Any]) -> dict[str, Any]:
    import zipfile

    try:
        parts = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        return {"problem": "unreadable", "detail": str(exc)[:200]}
    if len(parts) > MAX_DOCX_PARTS:
        return {"problem": "structure", "detail": f"{len(parts)} parts"}
    if sum(part.file_size for part in parts) > 4 * int(limits["maxStreamMb"]) * 1024 * 1024:
        return {"problem": "decompressed", "detail": "archive"}
    if "word/document.xml" not in {part.filename for part in parts}:
        return {"problem": "unreadable", "detail": "no word/document.xml: not a Word document"}
    try:
        from docx import Document

        lines = _docx_lines(Document(io.BytesIO(data)), int(limits["maxChars"]))
    except MemoryError:
        return {"problem": "decompressed", "detail": "MemoryError"}
    except RecursionError:
        return {"problem": "structure", "detail": "RecursionError"}
    except Exception as exc:  # whatever else a malformed file trips in python-docx or lxml
        return {"problem": "unreadable", "detail": f"{type(exc).__name__}: {str(exc)[:150]}"}
    return {"pages": ["\n".join(lines).strip()]}


def main() -> int:
    limits = json.loads(sys.argv[1])
    _limit_self(limits)
    data = sys.stdin.buffer.read()
    result = (extract_docx if limits.get("format") == "docx" else extract)(data, limits)
    sys.stdout.write(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
