"""A small MNIST of the tests' own, on disk in the real IDX format, and a guard that no one
tries the network (katas 15 and 20).

No dataset can be downloaded where katacheck runs (a learner's machine offline, CI, the
sandbox of ``grade``), so the tests write one: :func:`write_mnist` puts the four uncompressed
``*-idx*-ubyte`` files that ``torchvision.datasets.MNIST`` reads under ``raiz/MNIST/raw`` (with
them present, ``download=True`` downloads nothing). The images are synthetic digits, seven-
segment strokes shifted and blurred by noise, that a small MLP learns in a few dozen steps.

IDX (the format of the original files, read by torchvision's ``read_sn3_pascalvincent_tensor``):
a big-endian 4-byte magic, ``0x08 * 256 + ndim`` for ``uint8`` data (2051 for images, 2049
for labels), then ``ndim`` big-endian ``uint32`` sizes, then the bytes.

Nothing here imports torchvision: the learner's code does, and only in the katas that use it.
"""

from __future__ import annotations

import bisect
import contextlib
import os
import socket
import struct
from collections.abc import Iterator
from dataclasses import dataclass, field

import torch

from katacheck.checks.failures import fail
from katacheck.checks.locations import location_in_stack
from katacheck.checks.seeds import generator
from katacheck.result import Location

SIDE = 28
#: The files torchvision's MNIST looks for, by split: (images, labels).
FILES = {"train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
         "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")}
#: IDX type code of unsigned bytes.
_UBYTE = 0x08

#: The segments of a seven-segment digit, as (top, left, height, width) in pixels of the 28×28
#: image: a (top), b (top right), c (bottom right), d (bottom), e (bottom left), f (top left), g.
_SEGMENTS = {"a": (4, 8, 3, 12), "b": (4, 17, 11, 3), "c": (13, 17, 11, 3), "d": (21, 8, 3, 12),
             "e": (13, 8, 11, 3), "f": (4, 8, 11, 3), "g": (12, 8, 3, 12)}
_DIGITS = ["abcdef", "bc", "abged", "abgcd", "fgbc", "afgcd", "afgedc", "abc", "abcdefg", "abcdfg"]


def _templates() -> torch.Tensor:
    """The ten digits ``[10, 28, 28]``, strokes 1 on a background 0."""
    templates = torch.zeros(10, SIDE, SIDE)
    for digit, segments in enumerate(_DIGITS):
        for name in segments:
            top, left, height, width = _SEGMENTS[name]
            templates[digit, top:top + height, left:left + width] = 1.0
    return templates


def digit_images(n: int, *, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """``n`` synthetic digits: images ``uint8 [n, 28, 28]`` (0 to 255) and their labels
    ``uint8 [n]``, every digit equally often, in a shuffled order (a generator of their own:
    the judge makes the same ones)."""
    gen = generator(seed)
    labels = (torch.arange(n) % 10)[torch.randperm(n, generator=gen)]
    strokes = _templates()[labels]
    shifts = torch.randint(-1, 2, (n, 2), generator=gen)
    shifted = torch.empty_like(strokes)
    for dy in (-1, 0, 1):  # nine rolls of whole groups: one per image is slow for a few hundred
        for dx in (-1, 0, 1):
            group = (shifts[:, 0] == dy) & (shifts[:, 1] == dx)
            shifted[group] = torch.roll(strokes[group], (dy, dx), dims=(1, 2))
    brightness = 0.75 + 0.25 * torch.rand(n, 1, 1, generator=gen)
    noisy = shifted * brightness * 255 + 20 * torch.randn(n, SIDE, SIDE, generator=gen)
    return noisy.round().clamp(0, 255).to(torch.uint8), labels.to(torch.uint8)


def idx_bytes(data: torch.Tensor) -> bytes:
    """``data`` (``uint8``, any number of dimensions) in the IDX format."""
    if data.dtype != torch.uint8:
        raise TypeError("IDX files here hold uint8 data")
    header = struct.pack(">I", _UBYTE * 256 + data.dim()) + struct.pack(f">{data.dim()}I", *data.shape)
    return header + data.contiguous().numpy().tobytes()


@dataclass(frozen=True)
class Split:
    """One split of the tests' MNIST, as written to disk."""

    images: torch.Tensor  # uint8 [n, 28, 28]
    labels: torch.Tensor  # uint8 [n]

    def normalized(self) -> torch.Tensor:
        """The images as ``ToTensor()`` then ``Normalize((0.5,), (0.5,))`` give them:
        float32 ``[n, 1, 28, 28]`` in [-1, 1], computed the way torchvision computes them."""
        return self.images[:, None].float().div(255).sub(0.5).div(0.5)


def mnist_splits(*, train: int, test: int, seed: int) -> dict[str, Split]:
    """The tests' MNIST: ``train`` and ``test`` digits, from two generators of their own."""
    return {"train": Split(*digit_images(train, seed=seed)), "test": Split(*digit_images(test, seed=seed + 1))}


def write_mnist(root: str | os.PathLike, *, train: int, test: int, seed: int) -> dict[str, Split]:
    """Write :func:`mnist_splits` under ``root/MNIST/raw`` as the four IDX files torchvision's
    ``MNIST`` reads; returns the splits."""
    return write_splits(root, mnist_splits(train=train, test=test, seed=seed))


def write_splits(root: str | os.PathLike, splits: dict[str, Split]) -> dict[str, Split]:
    """Write ``splits`` (``{"train": ..., "test": ...}``) under ``root/MNIST/raw`` as IDX files."""
    raw = os.path.join(os.fspath(root), "MNIST", "raw")
    os.makedirs(raw, exist_ok=True)
    for name, split in splits.items():
        images_file, labels_file = FILES[name]
        with open(os.path.join(raw, images_file), "wb") as images:
            images.write(idx_bytes(split.images))
        with open(os.path.join(raw, labels_file), "wb") as labels:
            labels.write(idx_bytes(split.labels))
    return splits


#: How many numbers make one image's fingerprint: one alone lets two of a few hundred digits
#: come within 1e-5 of each other (measured over 100 data seeds); four never agree together.
FINGERPRINT_SIZE = 4
#: Largest gap between the fingerprints of one image stored as bytes and loaded as float32
#: (1.7e-6, measured over 100 data seeds, both splits): 60× that, far below two digits' gap.
FINGERPRINT_TOLERANCE = 1e-4


def fingerprints(images: torch.Tensor, *, seed: int = 15) -> torch.Tensor:
    """A few numbers per image (``[N, ...]``, any layout of the 784 pixels of each): its pixels,
    flattened and standardized (so that any ``Normalize`` gives the same numbers), projected on
    :data:`FINGERPRINT_SIZE` fixed random vectors, in float64: ``[N, FINGERPRINT_SIZE]``."""
    flat = images.detach().to("cpu", torch.float64).reshape(len(images), -1)
    flat = (flat - flat.mean(dim=1, keepdim=True)) / (flat.std(dim=1, keepdim=True) + 1e-12)
    weights = torch.randn(flat.shape[1], FINGERPRINT_SIZE, generator=generator(seed), dtype=torch.float64)
    return flat @ weights


def identify(found, known: torch.Tensor, *, tolerance: float = FINGERPRINT_TOLERANCE) -> list[int]:
    """For each fingerprint in ``found`` (a tensor or nested lists), the index of the equal one
    in ``known`` (-1: none). A binary search on the first number over ``known`` sorted, then the
    others compared: a few Python steps per image, where a table of distances costs
    milliseconds per batch on a busy machine."""
    rows = [[float(x) for x in row] for row in (found.tolist() if torch.is_tensor(found) else found)]
    plain = known.tolist()
    order = sorted(range(len(plain)), key=lambda i: plain[i][0])
    firsts = [plain[i][0] for i in order]
    indices = []
    for row in rows:
        position, match = bisect.bisect_left(firsts, row[0] - tolerance), -1
        while position < len(firsts) and firsts[position] <= row[0] + tolerance:
            candidate = plain[order[position]]
            if len(row) == len(candidate) and all(abs(x - y) <= tolerance for x, y in zip(row, candidate)):
                match = order[position]
                break
            position += 1
        indices.append(match)
    return indices


# -- nothing tries the network ------------------------------------------------------------------


@dataclass
class NetworkGuard:
    """What :func:`no_network` refused: each attempt's address and the learner's line."""

    attempts: list[tuple[str, Location | None]] = field(default_factory=list)


@contextlib.contextmanager
def no_network() -> Iterator[NetworkGuard]:
    """Inside, every name lookup and connection fails at once (``OSError``, as offline) and is
    recorded: with the files in place, loading the dataset tries nothing; a download
    (another root, a file missing) is caught here instead of hanging on a timeout."""
    guard = NetworkGuard()

    def refuse(address: object) -> None:
        if isinstance(address, tuple) and len(address) >= 2:  # (host, port): shown as host:port
            address = f"{address[0]}:{address[1]}"
        guard.attempts.append((str(address)[:120], location_in_stack()))
        raise OSError(101, "katacheck: sem rede nos testes / no network in the tests")

    def lookup(host, port=None, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003
        refuse(host if port is None else (host, port))

    def create_connection(address, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003
        refuse(address)

    def connect(self, address):  # noqa: ANN001
        if self.family in (socket.AF_INET, socket.AF_INET6):
            refuse(address)
        return original_connect(self, address)

    original_connect = socket.socket.connect
    saved = {"getaddrinfo": socket.getaddrinfo, "create_connection": socket.create_connection,
             "gethostbyname": socket.gethostbyname}
    socket.getaddrinfo, socket.create_connection, socket.gethostbyname = lookup, create_connection, lookup
    socket.socket.connect = connect
    try:
        yield guard
    finally:
        socket.socket.connect = original_connect
        for name, function in saved.items():
            setattr(socket, name, function)


def expect_no_network(guard: NetworkGuard) -> None:
    """Nothing inside :func:`no_network` tried the network."""
    if guard.attempts:
        address, location = guard.attempts[0]
        fail("mnist_network", address=address, location=location)
