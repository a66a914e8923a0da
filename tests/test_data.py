"""Tests for nnbook.data: IDX parsing, verification, downloads (from 127.0.0.1 only), the split.

Small IDX files are written by the tests themselves (2x2 "images") and ``nnbook.data.SHA256`` is
patched to their digests, so every failure path runs in milliseconds. The real files are read
through the ``mnist`` / ``mnist_dir`` fixtures of ``conftest.py``; nothing here uses the internet.
"""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import math
import os
import re
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest

from nnbook import data
from nnbook.data import (
    FILES, MNIST, SHA256, VALIDATION_SIZE, ChecksumError, Dataset, DownloadError,
    IDXFormatError, MNISTNotFoundError, data_dir, fetch_mnist, load_mnist, one_hot, read_idx,
)

N_TRAIN, N_TEST = VALIDATION_SIZE + 3, 4  # three training images survive the split


# ---------------------------------------------------------------- helpers


def idx(array: np.ndarray, code: int = 0x08) -> bytes:
    """IDX bytes: two zero bytes, dtype code, number of dims, big-endian int32 dims, payload."""
    dtypes = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
    header = bytes([0, 0, code, array.ndim]) + struct.pack(f">{array.ndim}i", *array.shape)
    return header + array.astype(dtypes.get(code, ">u1")).tobytes()


def write_gz(path: Path, raw: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(raw, mtime=0))
    return path


def put(folder: Path, files: dict[str, bytes]) -> Path:
    for name, raw in files.items():
        write_gz(folder / name, raw)
    return folder


def trust(monkeypatch: pytest.MonkeyPatch, files: dict[str, bytes]) -> None:
    """Make nnbook.data accept exactly these contents."""
    digests = {name: hashlib.sha256(raw).hexdigest() for name, raw in files.items()}
    monkeypatch.setattr(data, "SHA256", digests)


def gunzip(path: Path) -> bytes:
    return gzip.decompress(path.read_bytes())


@pytest.fixture
def tiny(monkeypatch: pytest.MonkeyPatch) -> dict[str, bytes]:
    """Raw IDX content of four small MNIST-shaped files (2x2 images), trusted by nnbook.data."""
    rng = np.random.default_rng(0)
    files = {
        FILES[0]: idx(rng.integers(0, 256, (N_TRAIN, 2, 2), dtype=np.uint8)),
        FILES[1]: idx(rng.integers(0, 10, N_TRAIN, dtype=np.uint8)),
        FILES[2]: idx(rng.integers(0, 256, (N_TEST, 2, 2), dtype=np.uint8)),
        FILES[3]: idx(rng.integers(0, 10, N_TEST, dtype=np.uint8)),
    }
    trust(monkeypatch, files)
    monkeypatch.setattr(data, "_CACHE", {})
    return files


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Talk to 127.0.0.1 directly even on a machine whose environment names a proxy."""
    monkeypatch.setenv("no_proxy", "*")
    monkeypatch.setenv("NO_PROXY", "*")


class Mirror:
    """An HTTP server on 127.0.0.1 serving ``files`` (name -> bytes) under /mnist/.

    ``mode``: "good" serves them (404 for others); "404" has nothing; "html" answers every
    request with an HTML page; "truncated" announces the full length but sends half; "wrong"
    serves a valid gzip IDX file of the wrong content; "trickle" serves them one byte every
    20 ms, steadily but far too slowly.
    """

    def __init__(self, mode: str, files: dict[str, bytes]) -> None:
        self.mode, self.files, self.requests = mode, files, []
        mirror = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                mirror.answer(self)

            def log_message(self, *args: object) -> None:  # keep stderr clean
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/mnist/"

    def requested(self) -> list[str]:
        return sorted(path.removeprefix("/mnist/") for path in self.requests)

    def answer(self, handler: BaseHTTPRequestHandler) -> None:
        self.requests.append(handler.path)
        name = handler.path.removeprefix("/mnist/")
        if self.mode == "html":
            body, kind = b"<!DOCTYPE html><html><body>Access denied</body></html>", "text/html"
        elif self.mode == "wrong":
            body, kind = gzip.compress(idx(np.zeros(3, np.uint8))), "application/gzip"
        elif self.mode in ("good", "truncated", "trickle") and name in self.files:
            body, kind = self.files[name], "application/gzip"
        else:
            handler.send_error(404, "File not found")
            return
        handler.send_response(200)
        handler.send_header("Content-Type", kind)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        if self.mode == "trickle":
            try:
                for k in range(len(body)):
                    handler.wfile.write(body[k:k + 1])
                    handler.wfile.flush()
                    time.sleep(0.02)
            except OSError:  # the client gave up, as it should
                pass
            return
        handler.wfile.write(body[: len(body) // 2] if self.mode == "truncated" else body)


@pytest.fixture
def served(tiny: dict[str, bytes]) -> dict[str, bytes]:
    """The gzip files a good mirror serves."""
    return {name: gzip.compress(raw, mtime=0) for name, raw in tiny.items()}


@pytest.fixture
def mirror(served: dict[str, bytes]) -> Iterator[Callable[..., Mirror]]:
    """Start mirrors with ``mirror(mode)``; all are stopped after the test."""
    started: list[Mirror] = []

    def start(mode: str = "good") -> Mirror:
        started.append(Mirror(mode, served))
        return started[-1]

    yield start
    for each in started:
        each.server.shutdown()
        each.server.server_close()


@pytest.fixture
def dead_url() -> Iterator[Callable[[str], str]]:
    """``dead_url("refused")``: nothing listens; ``dead_url("hanging")``: listens, never answers."""
    sockets: list[socket.socket] = []

    def make(kind: str) -> str:
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        if kind == "hanging":
            sock.listen(16)
            sockets.append(sock)
        else:
            sock.close()
        return f"http://127.0.0.1:{port}/mnist/"

    yield make
    for sock in sockets:
        sock.close()


# ---------------------------------------------------------------- read_idx


def test_read_idx_parses_header_and_payload(tmp_path: Path) -> None:
    array = np.arange(24, dtype=np.uint8).reshape(3, 2, 4)
    got = read_idx(write_gz(tmp_path / "x.gz", idx(array)))
    assert got.dtype == np.uint8 and got.shape == (3, 2, 4)
    np.testing.assert_array_equal(got, array)


@pytest.mark.parametrize("code, dtype", [(0x0B, np.int16), (0x0C, np.int32), (0x0D, np.float32)])
def test_read_idx_reads_big_endian_types_into_native_arrays(tmp_path: Path, code: int,
                                                            dtype: type) -> None:
    array = np.array([[-300, 2], [70000 if dtype != np.int16 else 7000, -1]]).astype(dtype)
    got = read_idx(write_gz(tmp_path / "x.gz", idx(array, code)))
    assert got.dtype == np.dtype(dtype) and got.dtype.isnative
    np.testing.assert_array_equal(got, array)


def test_read_idx_rejects_wrong_magic(tmp_path: Path) -> None:
    path = write_gz(tmp_path / "bad-magic.gz", b"\x01\x02" + idx(np.zeros(4, np.uint8))[2:])
    with pytest.raises(IDXFormatError, match=r"bad-magic\.gz: bad IDX magic number 0102"):
        read_idx(path)


def test_read_idx_rejects_unknown_dtype_code(tmp_path: Path) -> None:
    path = write_gz(tmp_path / "bad-code.gz", idx(np.zeros(4, np.uint8), code=0x07))
    with pytest.raises(IDXFormatError, match=r"bad-code\.gz: unknown IDX dtype code 0x07"):
        read_idx(path)


@pytest.mark.parametrize("change", [-1, +1])
def test_read_idx_rejects_payload_length_mismatch(tmp_path: Path, change: int) -> None:
    raw = idx(np.zeros((3, 2, 2), np.uint8))
    raw = raw[:change] if change < 0 else raw + b"\0"
    path = write_gz(tmp_path / "short.gz", raw)
    with pytest.raises(IDXFormatError, match=rf"short\.gz: payload length mismatch: "
                       rf"dimensions \(3, 2, 2\) of uint8 need 12 bytes, the file holds "
                       rf"{12 + change}"):
        read_idx(path)


def test_read_idx_rejects_header_cut_short(tmp_path: Path) -> None:
    path = write_gz(tmp_path / "cut.gz", bytes([0, 0, 8, 3]) + struct.pack(">i", 5))
    with pytest.raises(IDXFormatError, match=r"cut\.gz: header cut short"):
        read_idx(path)


def test_read_idx_rejects_truncated_gzip(tmp_path: Path) -> None:
    whole = gzip.compress(idx(np.arange(200, dtype=np.uint8)))
    path = tmp_path / "truncated.gz"
    path.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(IDXFormatError, match=r"truncated\.gz: cannot decompress .*truncated"):
        read_idx(path)


def test_read_idx_rejects_corrupt_gzip(tmp_path: Path) -> None:
    random = np.random.default_rng(1).integers(0, 256, 500, dtype=np.uint8)
    damaged = bytearray(gzip.compress(idx(random)))
    damaged[len(damaged) // 2] ^= 0xFF
    path = tmp_path / "corrupt.gz"
    path.write_bytes(bytes(damaged))
    with pytest.raises(IDXFormatError, match=r"corrupt\.gz: cannot decompress"):
        read_idx(path)


def test_read_idx_rejects_a_file_that_is_not_gzip(tmp_path: Path) -> None:
    path = tmp_path / "plain.gz"
    path.write_bytes(idx(np.zeros(4, np.uint8)))
    with pytest.raises(IDXFormatError, match=r"plain\.gz: .*not a gzip file"):
        read_idx(path)


def test_read_idx_missing_file_is_file_not_found(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        read_idx(tmp_path / "absent.gz")


# ---------------------------------------------------------------- load_mnist on small files


def test_load_mnist_splits_first_training_images_then_last_for_validation(
        tmp_path: Path, tiny: dict[str, bytes]) -> None:
    mnist = load_mnist(put(tmp_path, tiny), download=False)
    images = np.frombuffer(tiny[FILES[0]], np.uint8, offset=16).reshape(N_TRAIN, 4)
    labels = np.frombuffer(tiny[FILES[1]], np.uint8, offset=8)
    assert isinstance(mnist, MNIST)
    assert [len(part) for part in mnist] == [3, VALIDATION_SIZE, N_TEST]
    np.testing.assert_array_equal(mnist.training.images, images[:3] / np.float32(255))
    np.testing.assert_array_equal(mnist.validation.images, images[3:] / np.float32(255))
    np.testing.assert_array_equal(mnist.training.labels, labels[:3])
    np.testing.assert_array_equal(mnist.validation.labels, labels[3:])
    test_labels = np.frombuffer(tiny[FILES[3]], np.uint8, offset=8)
    np.testing.assert_array_equal(mnist.test.labels, test_labels)
    assert mnist.training.images.dtype == np.float32 and mnist.test.labels.dtype == np.int64


def test_load_mnist_is_memoised_per_folder_and_read_only(
        tmp_path: Path, tiny: dict[str, bytes], monkeypatch: pytest.MonkeyPatch) -> None:
    first = load_mnist(put(tmp_path, tiny), download=False)
    monkeypatch.chdir(tmp_path)
    assert load_mnist(".", download=False) is first
    assert load_mnist(put(tmp_path / "copy", tiny), download=False) is not first
    with pytest.raises(ValueError, match="read-only"):
        first.training.images[0, 0] = 1.0
    with pytest.raises(ValueError, match="read-only"):
        first.validation.labels[0] = 3


def test_checksum_mismatch_names_file_and_digests_and_never_parses_it(
        tmp_path: Path, tiny: dict[str, bytes], monkeypatch: pytest.MonkeyPatch) -> None:
    put(tmp_path, tiny)
    good = data.SHA256[FILES[1]]
    expected = "0" * 64
    monkeypatch.setitem(data.SHA256, FILES[1], expected)
    parsed: list[str] = []
    real_parse = data._parse_idx
    monkeypatch.setattr(data, "_parse_idx", lambda raw, label: (parsed.append(label),
                                                                 real_parse(raw, label))[1])
    with pytest.raises(ChecksumError, match=rf"{re.escape(str(tmp_path / FILES[1]))}: SHA-256 "
                       rf"of the decompressed content is {good}, expected {expected}"):
        load_mnist(tmp_path, download=False)
    assert not any(FILES[1] in label for label in parsed)


def test_missing_files_without_download_say_where_and_how_to_fix(tmp_path: Path) -> None:
    folder = tmp_path / "nowhere"
    with pytest.raises(MNISTNotFoundError, match=rf"not found in {re.escape(str(folder))}: "
                       rf"missing {re.escape(', '.join(FILES))}; .*NNBOOK_DATA"):
        load_mnist(folder, download=False)
    assert issubclass(MNISTNotFoundError, FileNotFoundError)
    assert not folder.exists()


def test_missing_file_message_lists_only_the_missing_ones(
        tmp_path: Path, tiny: dict[str, bytes]) -> None:
    put(tmp_path, {name: tiny[name] for name in FILES[:3]})
    with pytest.raises(MNISTNotFoundError, match=rf"missing {re.escape(FILES[3])}; "):
        load_mnist(tmp_path, download=False)


def test_labels_outside_0_to_9_are_rejected(tmp_path: Path, tiny: dict[str, bytes],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    tiny[FILES[3]] = idx(np.array([1, 2, 10, 3], np.uint8))
    trust(monkeypatch, tiny)
    with pytest.raises(IDXFormatError, match=r"t10k-labels-idx1-ubyte\.gz: labels must lie in "
                       r"0\.\.9; found 10"):
        load_mnist(put(tmp_path, tiny), download=False)


def test_label_count_must_match_image_count(tmp_path: Path, tiny: dict[str, bytes],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    tiny[FILES[1]] = idx(np.zeros(N_TRAIN - 1, np.uint8))
    trust(monkeypatch, tiny)
    with pytest.raises(IDXFormatError, match=rf"{re.escape(FILES[0])} holds {N_TRAIN} images "
                       rf"but .*{re.escape(FILES[1])} holds {N_TRAIN - 1} labels"):
        load_mnist(put(tmp_path, tiny), download=False)


# ---------------------------------------------------------------- downloads from 127.0.0.1


def test_fetch_downloads_verifies_and_leaves_no_temporary_files(
        tmp_path: Path, tiny: dict[str, bytes], mirror: Callable[..., Mirror]) -> None:
    good = mirror()
    folder = tmp_path / "cache" / "nnbook" / "mnist"  # does not exist yet
    assert fetch_mnist(folder, mirrors=[good.url.rstrip("/")], progress=False) == folder
    assert sorted(os.listdir(folder)) == sorted(FILES)
    for name in FILES:
        assert gunzip(folder / name) == tiny[name]
    assert good.requested() == sorted(FILES)


@pytest.mark.parametrize("failure", ["refused", "hanging", "404", "html", "truncated", "wrong"])
def test_a_failing_mirror_is_skipped_for_the_next(
        tmp_path: Path, tiny: dict[str, bytes], mirror: Callable[..., Mirror],
        dead_url: Callable[[str], str], failure: str) -> None:
    bad = dead_url(failure) if failure in ("refused", "hanging") else mirror(failure).url
    good = mirror()
    fetch_mnist(tmp_path, mirrors=[bad, good.url], progress=False, timeout=0.5)
    assert sorted(os.listdir(tmp_path)) == sorted(FILES)
    assert all(gunzip(tmp_path / name) == tiny[name] for name in FILES)
    assert good.requested() == sorted(FILES)


def test_a_mirror_serving_html_gives_a_clear_error_and_leaves_nothing(
        tmp_path: Path, tiny: dict[str, bytes], mirror: Callable[..., Mirror]) -> None:
    html = mirror("html")
    with pytest.raises(DownloadError, match=rf"(?s)could not download {FILES[0]} into "
                       rf"{re.escape(str(tmp_path))}; mirrors tried:\n  "
                       rf"{re.escape(html.url + FILES[0])}: .*not a gzip file"):
        fetch_mnist(tmp_path, mirrors=[html.url], progress=False)
    assert os.listdir(tmp_path) == []
    assert html.requested() == [FILES[0]]


def test_when_every_mirror_fails_the_error_lists_each_reason(
        tmp_path: Path, tiny: dict[str, bytes], mirror: Callable[..., Mirror],
        dead_url: Callable[[str], str]) -> None:
    mirrors = [dead_url("refused"), mirror("404").url, mirror("wrong").url]
    with pytest.raises(DownloadError) as caught:
        fetch_mnist(tmp_path, mirrors=mirrors, progress=False, timeout=5)
    message = str(caught.value)
    for url, reason in zip(mirrors, ["refused", "HTTP Error 404", "SHA-256 of the decompressed"]):
        assert re.search(rf"{re.escape(url + FILES[0])}: .*{reason}", message), message
    assert "NNBOOK_DATA" in message and "network access" in message
    assert isinstance(caught.value, OSError)
    assert os.listdir(tmp_path) == []


def test_load_mnist_downloads_missing_files_from_the_mirrors(
        tmp_path: Path, tiny: dict[str, bytes], mirror: Callable[..., Mirror],
        dead_url: Callable[[str], str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(data, "MIRRORS", (dead_url("refused"), mirror().url))
    mnist = load_mnist(tmp_path / "new", progress=False)
    assert [len(part) for part in mnist] == [3, VALIDATION_SIZE, N_TEST]
    assert sorted(os.listdir(tmp_path / "new")) == sorted(FILES)


def test_an_existing_good_file_is_not_downloaded_again(
        tmp_path: Path, tiny: dict[str, bytes], mirror: Callable[..., Mirror]) -> None:
    kept = write_gz(tmp_path / FILES[0], tiny[FILES[0]])
    before = kept.stat()
    good = mirror()
    fetch_mnist(tmp_path, mirrors=[good.url], progress=False)
    assert good.requested() == sorted(FILES[1:])
    after = kept.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_an_existing_bad_file_is_reported_and_left_alone(
        tmp_path: Path, tiny: dict[str, bytes], mirror: Callable[..., Mirror]) -> None:
    bad = write_gz(tmp_path / FILES[1], idx(np.zeros(7, np.uint8)))
    content = bad.read_bytes()
    with pytest.raises(ChecksumError, match=re.escape(str(bad))):
        fetch_mnist(tmp_path, mirrors=[mirror().url], progress=False)
    assert bad.read_bytes() == content


def test_a_mirror_that_trickles_is_given_up_on_when_the_transfer_stalls(
        tmp_path: Path, tiny: dict[str, bytes], mirror: Callable[..., Mirror]) -> None:
    # one byte every 20 ms never trips a socket timeout; the stall check (16 KiB per `timeout`
    # seconds) does, and the next mirror is tried
    slow, good = mirror("trickle"), mirror()
    start = time.monotonic()
    fetch_mnist(tmp_path, mirrors=[slow.url, good.url], progress=False, timeout=0.5)
    assert time.monotonic() - start < 4 * 0.5 + 5  # four files, each given up on after ~0.5 s
    assert sorted(os.listdir(tmp_path)) == sorted(FILES)
    with pytest.raises(DownloadError, match=r"the transfer stalled: \d+ bytes in the last 0.[5-9]"):
        fetch_mnist(tmp_path / "again", mirrors=[slow.url], progress=False, timeout=0.5)
    assert os.listdir(tmp_path / "again") == []  # no temporary file left behind


def test_a_download_has_an_overall_deadline_per_file(
        tmp_path: Path, tiny: dict[str, bytes], mirror: Callable[..., Mirror]) -> None:
    slow = mirror("trickle")
    start = time.monotonic()
    with pytest.raises(DownloadError, match=r"gave up after the deadline of 1 s with \d+ bytes"):
        fetch_mnist(tmp_path, mirrors=[slow.url], progress=False, timeout=30, deadline=1)
    assert time.monotonic() - start < 5
    assert os.listdir(tmp_path) == []
    with pytest.raises(ValueError, match="deadline must be a number of seconds > 0; got 0"):
        fetch_mnist(tmp_path, mirrors=[slow.url], deadline=0)
    with pytest.raises(ValueError, match="timeout must be a number of seconds > 0; got True"):
        fetch_mnist(tmp_path, mirrors=[slow.url], timeout=True)


def test_downloaded_files_are_readable_by_everyone(
        tmp_path: Path, tiny: dict[str, bytes], mirror: Callable[..., Mirror]) -> None:
    fetch_mnist(tmp_path, mirrors=[mirror().url], progress=False)
    assert {oct((tmp_path / name).stat().st_mode & 0o777) for name in FILES} == {"0o644"}
    data.install_mnist_files({name: (tmp_path / name).read_bytes() for name in FILES},
                             tmp_path / "installed")
    assert {oct((tmp_path / "installed" / name).stat().st_mode & 0o777) for name in FILES} == {"0o644"}


def test_temporary_files_of_killed_downloads_are_removed_by_the_next_one(
        tmp_path: Path, tiny: dict[str, bytes], mirror: Callable[..., Mirror]) -> None:
    old, fresh = tmp_path / f".{FILES[0]}.k1.part", tmp_path / f".{FILES[0]}.k2.part"
    for path in (old, fresh):
        path.write_bytes(b"part of a download")
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(old, (two_days_ago, two_days_ago))
    fetch_mnist(tmp_path, mirrors=[mirror().url], progress=False)
    assert not old.exists() and fresh.exists()  # another download may be writing that one


def test_an_interrupted_download_leaves_no_temporary_file(
        tmp_path: Path, tiny: dict[str, bytes], mirror: Callable[..., Mirror]) -> None:
    def interrupt(name: str, done: int, total: int | None) -> None:
        if done:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        fetch_mnist(tmp_path, mirrors=[mirror().url], progress=interrupt)
    assert os.listdir(tmp_path) == []


def test_the_command_line_downloads_from_a_mirror_with_a_timeout(
        tmp_path: Path, tiny: dict[str, bytes], mirror: Callable[..., Mirror],
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from nnbook.__main__ import main

    monkeypatch.setattr(data, "MIRRORS", ())  # only the mirrors given: never the internet
    monkeypatch.setenv("NNBOOK_DATA", str(tmp_path / "slow"))
    assert main(["fetch-data", "--mirror", mirror("trickle").url, "--timeout", "0.5"]) == 1
    out, err = capsys.readouterr()
    assert err.startswith("python -m nnbook: error: could not download") and "stalled" in err
    assert "Traceback" not in err
    monkeypatch.setenv("NNBOOK_DATA", str(tmp_path / "good"))
    assert main(["fetch-data", "--mirror", mirror("trickle").url, "--mirror", mirror().url,
                 "--timeout", "0.5", "--deadline", "60"]) == 0
    assert capsys.readouterr().out.strip().endswith("good")
    assert sorted(os.listdir(tmp_path / "good")) == sorted(FILES)


def test_progress_callback_sees_every_file_to_the_end(
        tmp_path: Path, served: dict[str, bytes], mirror: Callable[..., Mirror],
        capsys: pytest.CaptureFixture[str]) -> None:
    calls: dict[str, list[tuple[int, int | None]]] = {}
    fetch_mnist(tmp_path, mirrors=[mirror().url],
                progress=lambda name, done, total: calls.setdefault(name, []).append((done, total)))
    assert sorted(calls) == sorted(FILES)
    for name, seen in calls.items():
        size = len(served[name])
        assert seen[0] == (0, size) and seen[-1] == (size, size)
        assert [done for done, _ in seen] == sorted(done for done, _ in seen)
    assert capsys.readouterr() == ("", "")


def test_progress_is_silent_when_stderr_is_not_a_terminal(
        tmp_path: Path, tiny: dict[str, bytes], mirror: Callable[..., Mirror],
        capsys: pytest.CaptureFixture[str]) -> None:
    fetch_mnist(tmp_path, mirrors=[mirror().url])  # progress=None; captured stderr is no TTY
    assert sorted(os.listdir(tmp_path)) == sorted(FILES)
    assert capsys.readouterr() == ("", "")


def test_progress_bar_goes_to_stderr_never_stdout(
        tmp_path: Path, tiny: dict[str, bytes], mirror: Callable[..., Mirror],
        capsys: pytest.CaptureFixture[str]) -> None:
    fetch_mnist(tmp_path, mirrors=[mirror().url], progress=True)
    out, err = capsys.readouterr()
    assert out == ""
    assert re.search(rf"{re.escape(FILES[0])} \[#{{30}}\] 100% of [\d.]+ MB\n", err), err


def test_progress_must_be_a_flag_or_a_callable(tmp_path: Path) -> None:
    with pytest.raises(TypeError, match="progress must be None, True, False or a callable; "
                       "got 'yes'"):
        fetch_mnist(tmp_path, mirrors=[], progress="yes")


# ---------------------------------------------------------------- data_dir


def test_data_dir_prefers_nnbook_data(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("NNBOOK_DATA", str(tmp_path / "mine"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert data_dir() == tmp_path / "mine"


def test_data_dir_uses_the_user_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("NNBOOK_DATA", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert data_dir() == tmp_path / "xdg" / "nnbook" / "mnist"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert data_dir() == tmp_path / "home" / ".cache" / "nnbook" / "mnist"


# ---------------------------------------------------------------- Dataset and one_hot


def small_dataset(m: int = 5) -> Dataset:
    return Dataset(np.arange(m * 3, dtype=np.float32).reshape(m, 3), np.arange(m) % 10)


def test_dataset_slices_unpacks_and_has_a_length() -> None:
    ds = small_dataset()
    first = ds[:2]
    assert isinstance(first, Dataset) and len(first) == 2 and len(ds) == 5
    np.testing.assert_array_equal(first.images, ds.images[:2])
    x, y = ds[np.array([4, 0])]
    np.testing.assert_array_equal(y, [4, 0])
    np.testing.assert_array_equal(x[0], ds.images[4])
    assert repr(ds) == "Dataset(images=float32 (5, 3), labels=int64 (5,))"


def test_dataset_refuses_a_single_integer_index() -> None:
    with pytest.raises(TypeError, match=r"not one integer; use ds\[i:i\+1\]"):
        small_dataset()[0]


@pytest.mark.parametrize("images, labels, message", [
    (np.zeros(4), np.zeros(4, int), r"images must have shape \(m, n_pixels\).*got shape \(4,\)"),
    (np.zeros((4, 2)), np.zeros((4, 1), int), r"labels must have shape \(m,\); got shape \(4, 1\)"),
    (np.zeros((4, 2)), np.zeros(3, int), r"same length; got 4 images and 3 labels"),
])
def test_dataset_validates_shapes(images: np.ndarray, labels: np.ndarray, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Dataset(images, labels)


def test_dataset_is_frozen_read_only_and_does_not_copy() -> None:
    images, labels = np.zeros((3, 2)), np.zeros(3, int)
    ds = Dataset(images, labels)
    with pytest.raises(ValueError, match="read-only"):
        ds.images[0, 0] = 1.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        ds.labels = labels  # type: ignore[misc]
    images[0, 0] = 2.0  # the caller's own array stays writeable, and is shared
    assert ds.images[0, 0] == 2.0


def test_one_hot_puts_a_single_one_in_each_label_column() -> None:
    encoded = one_hot(np.array([3, 0, 9]), 10)
    assert encoded.shape == (3, 10) and encoded.dtype == np.float64
    np.testing.assert_array_equal(encoded.sum(axis=1), 1.0)
    np.testing.assert_array_equal(encoded.argmax(axis=1), [3, 0, 9])
    assert one_hot([1], 3, dtype=np.float32).tolist() == [[0.0, 1.0, 0.0]]


@pytest.mark.parametrize("labels, message", [
    (np.array([0, 10]), r"labels must lie in 0\.\.9 for n_classes=10; got values from 0 to 10"),
    (np.array([-1, 2]), r"got values from -1 to 2"),
    (np.array([0.0, 1.0]), r"1-D array of integers; got shape \(2,\), dtype float64"),
    (np.zeros((2, 1), int), r"1-D array of integers; got shape \(2, 1\)"),
])
def test_one_hot_rejects_bad_labels(labels: np.ndarray, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        one_hot(labels, 10)


# ---------------------------------------------------------------- the real MNIST files


def test_real_files_have_the_published_content_digests(mnist_dir: Path) -> None:
    for name in FILES:
        assert hashlib.sha256(gunzip(mnist_dir / name)).hexdigest() == SHA256[name], name


def test_real_split_shapes_dtypes_and_range(mnist: MNIST) -> None:
    for part, m in zip(mnist, [50_000, 10_000, 10_000]):
        assert part.images.shape == (m, 784) and part.images.dtype == np.float32
        assert part.labels.shape == (m,) and part.labels.dtype == np.int64
        assert part.images.min() == 0.0 and part.images.max() == 1.0
        assert set(np.unique(part.labels)) == set(range(10))


def test_real_training_label_counts_match_the_readme(mnist: MNIST) -> None:
    counts = np.bincount(mnist.training.labels, minlength=10) + np.bincount(
        mnist.validation.labels, minlength=10)
    assert counts.tolist() == [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]


def test_real_training_pixel_mean_and_std(mnist: MNIST) -> None:
    n = total = squares = 0.0
    for part in (mnist.training.images, mnist.validation.images):
        for start in range(0, len(part), 5000):
            block = part[start:start + 5000].astype(np.float64)
            n, total, squares = n + block.size, total + block.sum(), squares + (block**2).sum()
    mean = total / n
    assert mean == pytest.approx(0.1307, abs=5e-5)
    assert math.sqrt(squares / n - mean**2) == pytest.approx(0.3081, abs=5e-5)


def test_real_validation_is_the_last_10000_training_images(mnist: MNIST, mnist_dir: Path) -> None:
    images = read_idx(mnist_dir / FILES[0])
    labels = read_idx(mnist_dir / FILES[1])
    assert images.shape == (60_000, 28, 28) and labels.shape == (60_000,)
    for part, rows in [(mnist.training, slice(None, 50_000)),
                       (mnist.validation, slice(50_000, None))]:
        np.testing.assert_array_equal(part.labels, labels[rows])
        np.testing.assert_array_equal(np.rint(part.images * 255), images[rows].reshape(-1, 784))


def test_real_test_set_is_the_official_one(mnist: MNIST, mnist_dir: Path) -> None:
    np.testing.assert_array_equal(mnist.test.labels, read_idx(mnist_dir / FILES[3]))
    raw = read_idx(mnist_dir / FILES[2]).reshape(10_000, 784)
    np.testing.assert_array_equal(np.rint(mnist.test.images * 255), raw)


def test_real_load_reads_nnbook_data_and_is_cached(mnist: MNIST, mnist_dir: Path) -> None:
    assert data_dir() == mnist_dir
    assert load_mnist(download=False) is mnist
    assert not mnist.training.images.flags.writeable
