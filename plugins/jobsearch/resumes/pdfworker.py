"""Read the text of an untrusted PDF under hard limits, in a child process of its own.

Run as ``python -I pdfworker.py '<limits as JSON>'`` with the PDF on stdin; it prints one JSON
object: ``{"pages": [...]}`` or ``{"problem": ..., "detail": ...}``. It imports nothing of the
project (a fast start, and a crash here cannot reach the server), and limits itself first:

- CPU seconds (``RLIMIT_CPU``: the kernel stops the process) and address space (``RLIMIT_AS``),
  so no PDF can burn a worker's CPU or memory for long; the parent also has a wall-clock timeout;
- pypdf's own limits: decompressed bytes per stream and per chain of filters, filters per
  stream, page-tree depth and entries, array and dictionary sizes, tokens per content stream;
- pages (``maxPages``), text (``maxChars``) and nesting (a low recursion limit: a deeply nested
  array raises ``RecursionError`` quickly instead of exhausting the stack).

Problems: ``decompressed`` (a stream expands past the limit), ``pages``, ``structure`` (too
deep, too many objects or tokens, cycles), ``unreadable`` (not a PDF pypdf can read).
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


def main() -> int:
    limits = json.loads(sys.argv[1])
    _limit_self(limits)
    data = sys.stdin.buffer.read()
    result = extract(data, limits)
    sys.stdout.write(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
