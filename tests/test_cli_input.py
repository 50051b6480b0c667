"""What the command line reads: at most ``--max-bytes``, in chunks, and only files and
pipes; anything else is one line and exit 2. Real files, FIFOs, sockets and devices,
real processes (``docs/resources.md``)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from adfkit.cli import main
from adfkit.inputs import MAX_BYTES
from adfkit.strategies import documents

ADFKIT = str(Path(sys.executable).parent / "adfkit")
GOOD = {"type": "doc", "version": 1, "content": [{"type": "paragraph"}]}


def _run(
    *args: str, stdin: bytes | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [ADFKIT, *args],
        input=stdin.decode() if stdin is not None else None,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,  # a hang fails the test instead of stalling the suite
        env={**os.environ, **(env or {})},
    )


def _good(tmp_path: Path) -> Path:
    path = tmp_path / "good.json"
    path.write_text(json.dumps(GOOD))
    return path


def _refused(result: subprocess.CompletedProcess[str], name: str, reason: str) -> None:
    assert result.returncode == 2, result.stderr
    first, *rest = result.stderr.splitlines()
    assert first == f"{name}: cannot read: {reason}"
    assert rest == ["adfkit: 1 of 2 files failed (1 problem)"]


def test_a_device_is_refused_without_reading_it(tmp_path: Path) -> None:
    # Reading /dev/zero used to take 4.8 GB before failing.
    result = _run("validate", "/dev/zero", str(_good(tmp_path)))
    _refused(result, "/dev/zero", "a device; give a file, a pipe or '-'")


def test_a_directory_is_refused_and_the_other_files_checked(tmp_path: Path) -> None:
    result = _run("validate", str(tmp_path), str(_good(tmp_path)))
    _refused(result, str(tmp_path), "Is a directory")


def test_a_fifo_without_a_writer_is_refused_not_waited_on(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    result = _run("validate", str(fifo), str(_good(tmp_path)))
    _refused(result, str(fifo), "a FIFO with no writer (nothing to read)")


def test_a_fifo_with_a_writer_is_read(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)

    def write() -> None:
        with fifo.open("w") as stream:  # blocks until adfkit opens the other end
            stream.write(json.dumps(GOOD))

    writer = threading.Thread(target=write)
    writer.start()
    result = _run("validate", str(fifo))
    writer.join()
    assert result.returncode == 0, result.stderr


def test_a_shell_process_substitution_is_read(tmp_path: Path) -> None:
    good = _good(tmp_path)
    result = subprocess.run(
        ["bash", "-c", f"{ADFKIT} validate <(cat {good})"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr


def test_a_socket_and_a_path_through_a_file_are_unreadable(tmp_path: Path) -> None:
    server = socket.socket(socket.AF_UNIX)
    sock = tmp_path / "sock"
    server.bind(str(sock))
    try:
        _refused(
            _run("validate", str(sock), str(_good(tmp_path))),
            str(sock),
            "No such device or address",
        )
    finally:
        server.close()
    through = tmp_path / "good.json" / "x"
    _refused(_run("validate", str(through), str(_good(tmp_path))), str(through), "Not a directory")


def test_input_beyond_max_bytes_is_refused_and_the_limit_can_be_raised(tmp_path: Path) -> None:
    good = _good(tmp_path)
    size = good.stat().st_size
    too_small = f"cannot read: larger than {size - 1:,} bytes"
    result = _run("validate", "--max-bytes", str(size - 1), str(good))
    assert result.returncode == 2
    assert result.stderr.startswith(f"{good}: {too_small} (raise the limit with --max-bytes")
    assert _run("validate", "--max-bytes", str(size), str(good)).returncode == 0
    env = {"ADFKIT_MAX_BYTES": str(size - 1)}
    assert _run("validate", str(good), env=env).returncode == 2
    assert _run("render", str(good), env=env).returncode == 2  # every command reads so
    result = _run("validate", "--max-bytes", "10", stdin=json.dumps(GOOD).encode())
    assert result.returncode == 2
    assert result.stderr.startswith("<stdin>: cannot read: larger than 10 bytes")


def test_the_default_limit_stops_an_endless_standard_input() -> None:
    with open("/dev/zero", "rb") as zero:
        result = subprocess.run(
            [ADFKIT, "validate"], stdin=zero, capture_output=True, text=True, timeout=120
        )
    assert result.returncode == 2
    assert result.stderr.startswith(f"<stdin>: cannot read: larger than {MAX_BYTES:,} bytes")


def test_a_number_beyond_a_double_is_out_of_range_not_malformed(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    path.write_text(
        '{"type": "doc", "version": 1, "content": [{"type": "extension", "attrs": '
        '{"extensionKey": "k", "extensionType": "t", "parameters": {"n": 1e400}}}]}'
    )
    result = _run("validate", "--format", "json", str(path))
    assert result.returncode == 1
    (problem,) = json.loads(result.stdout)
    assert problem["code"] == "NUMBER_OUT_OF_RANGE"
    assert problem["path"] == "/content/0/attrs/parameters/n"
    assert (problem["line"], problem["col"]) == (1, 138)
    assert "1e400" in problem["message"]
    assert "not JSON" not in problem["message"]


def _deep_invalid(depth: int) -> str:
    """``depth`` nested lists, each with an unknown property: an error per level."""
    opening = '{"type":"bulletList","x":1,"content":[{"type":"listItem","content":[' * depth
    return (
        '{"type":"doc","version":1,"content":['
        + opening
        + '{"type":"paragraph"}'
        + "]}]}" * depth
        + "]}"
    )


def test_a_100000_deep_file_with_an_error_per_level_is_capped(tmp_path: Path) -> None:
    # This used to die with MemoryError at 4 GB: every error's pointer built whole.
    path = tmp_path / "deep.json"
    path.write_text(_deep_invalid(100_000))
    result = _run("validate", str(path))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 1000
    assert lines[0] == (
        f"{path}:1:63: /content/0/x: UNKNOWN_PROPERTY `bulletList` has no property 'x'; "
        "allowed: attrs, content, type"
    )
    assert result.stderr.splitlines() == [
        f"{path}: and 99000 more errors (raise --max-errors to see them)",
        "adfkit: 1 of 1 file failed (100000 problems)",
    ]


@pytest.mark.parametrize("fmt", ["json", "github"])
def test_max_errors_caps_every_format_and_locates_what_it_shows(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / "deep.json"
    path.write_text(_deep_invalid(50))
    result = _run("validate", "--format", fmt, "--max-errors", "3", str(path))
    assert result.returncode == 1
    assert result.stderr == f"{path}: and 47 more errors (raise --max-errors to see them)\n"
    if fmt == "json":
        problems = json.loads(result.stdout)
        text = path.read_text()
        starts = [i + len('"x":') + 1 for i in range(len(text)) if text.startswith('"x":', i)]
        assert [(p["line"], p["col"]) for p in problems] == [(1, c) for c in starts[:3]]
    else:
        assert len(result.stdout.splitlines()) == 3
        assert ",line=1,col=131," in result.stdout.splitlines()[1]


def test_convert_writes_a_document_deeper_than_json_dumps_can(tmp_path: Path) -> None:
    # 300 nested <ul><li> made `adfkit convert` die with RecursionError in json.dumps.
    html = tmp_path / "deep.html"
    html.write_text("<ul><li>" * 300 + "deep")
    for args in ((), ("--pretty",)):
        result = _run("convert", *args, str(html))
        assert result.returncode == 0, result.stderr[-500:]
        out = tmp_path / "out.json"
        out.write_text(result.stdout)
        assert _run("validate", "--quiet", str(out)).returncode == 0


def test_errors_deep_in_a_deep_file_print_at_most_16_bytes_per_input_byte(tmp_path: Path) -> None:
    depth, bad = 20_000, 1_000  # only the deepest 1,000 levels are invalid
    opening = "".join(
        '{"type":"bulletList"'
        + (',"x":1' if i >= depth - bad else "")
        + ',"content":[{"type":"listItem","content":['
        for i in range(depth)
    )
    text = '{"type":"doc","version":1,"content":[' + opening + '{"type":"paragraph"}'
    path = tmp_path / "deep.json"
    path.write_text(text + "]}]}" * depth + "]}")
    result = _run("validate", str(path))
    assert result.returncode == 1
    # Each pointer is 20,000 levels long: all 1,000 would print 440 MB.
    assert len(result.stdout) <= 16 * path.stat().st_size + (1 << 20) + 500_000
    shown = len(result.stdout.splitlines())
    assert 0 < shown < bad
    assert result.stderr.splitlines() == [
        f"{path}: and {bad - shown} more errors (their pointers would print more than 16 "
        "bytes per byte of input; use --pointer to look deeper)",
        f"adfkit: 1 of 1 file failed ({bad} problems)",
    ]


_JSONISH = st.text(alphabet='[]{}":,0123456789e.-+tnulfrsaNIy \n\\', max_size=300)


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(
        st.binary(max_size=300),
        _JSONISH.map(str.encode),
        documents(max_depth=3, max_leaves=8).map(lambda d: json.dumps(d).encode()),
    ),
    st.sampled_from([None, 0, 17, 10_000]),
    st.sampled_from(["text", "json", "github"]),
)
def test_any_bytes_get_a_verdict_and_a_documented_exit_code(
    data: bytes, max_bytes: int | None, fmt: str
) -> None:
    """The reading path, end to end in this process: no input makes it raise."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "input.json"
        path.write_bytes(data)
        limit = [] if max_bytes is None else ["--max-bytes", str(max_bytes)]
        result = CliRunner().invoke(main, ["validate", "--format", fmt, *limit, str(path)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code in (0, 1, 2)
    if max_bytes is not None and len(data) > max_bytes:
        assert result.exit_code == 2
    if fmt == "json":
        assert (json.loads(result.stdout) == []) == (result.exit_code == 0)
    elif result.exit_code == 0:
        assert result.stdout == ""
    elif fmt == "text":
        assert all(line.startswith(f"{path}:") for line in result.stdout.splitlines())
