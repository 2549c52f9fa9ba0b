"""Kata 15's MNIST never touches the network: the tests' IDX files are what torchvision reads,
and :func:`katacheck.checks.mnist.no_network` refuses (and records) any attempt to go online.

The kata's own end-to-end proofs are in its variants (``tests/variants/15_mnist``): the solution
passes with the network refused, and ``pasta_data_das_notas.py`` (the notes' ``'./data'``, where
no files are) is named ``mnist_network`` at the learner's line, as torchvision starts a download.
"""

import socket
import struct
import urllib.request

import pytest
import torch

from katacheck.checks import mnist


def test_the_guard_refuses_lookups_and_connections_and_records_them():
    originals = (socket.getaddrinfo, socket.create_connection, socket.socket.connect)
    with mnist.no_network() as guard:
        with pytest.raises(OSError):
            socket.create_connection(("example.com", 80), timeout=1)
        with pytest.raises(OSError):
            socket.getaddrinfo("example.com", 443)
        with pytest.raises(OSError), socket.socket(socket.AF_INET, socket.SOCK_STREAM) as raw:
            raw.connect(("127.0.0.1", 9))
        with pytest.raises(OSError):
            urllib.request.urlopen("http://example.com/", timeout=1)
    assert len(guard.attempts) == 4
    assert guard.attempts[0][0] == "example.com:80" and guard.attempts[1][0] == "example.com:443"
    assert (socket.getaddrinfo, socket.create_connection, socket.socket.connect) == originals


def test_the_files_are_real_idx_big_endian(tmp_path):
    splits = mnist.write_mnist(tmp_path, train=20, test=10, seed=3)
    raw = tmp_path / "MNIST" / "raw"
    assert sorted(p.name for p in raw.iterdir()) == sorted(name for pair in mnist.FILES.values() for name in pair)
    images = (raw / "train-images-idx3-ubyte").read_bytes()
    labels = (raw / "t10k-labels-idx1-ubyte").read_bytes()
    assert struct.unpack(">IIII", images[:16]) == (2051, 20, 28, 28)
    assert struct.unpack(">II", labels[:8]) == (2049, 10)
    assert images[16:] == splits["train"].images.numpy().tobytes()
    assert labels[8:] == splits["test"].labels.numpy().tobytes()
    assert sorted(torch.bincount(splits["train"].labels.long()).tolist()) == [2] * 10


def test_torchvision_reads_them_with_download_true_and_tries_no_network(tmp_path):
    datasets = pytest.importorskip("torchvision.datasets")
    transforms = pytest.importorskip("torchvision.transforms")
    splits = mnist.write_mnist(tmp_path, train=30, test=20, seed=4)
    transform = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.5,), (0.5,))])
    with mnist.no_network() as guard:
        train = datasets.MNIST(str(tmp_path), train=True, download=True, transform=transform)
        test = datasets.MNIST(str(tmp_path), train=False, download=True, transform=transform)
        first, label = test[0]
    assert guard.attempts == []
    assert (len(train), len(test)) == (30, 20)
    assert torch.equal(first, splits["test"].normalized()[0]) and label == int(splits["test"].labels[0])
    assert float(first.min()) == -1.0 and float(first.max()) == 1.0


def test_a_root_without_the_files_is_a_download_attempt_the_guard_catches(tmp_path):
    datasets = pytest.importorskip("torchvision.datasets")
    with mnist.no_network() as guard, pytest.raises(RuntimeError):
        datasets.MNIST(str(tmp_path / "vazia"), train=True, download=True)
    assert guard.attempts, "torchvision's download went past the guard"


def test_fingerprints_find_each_digit_whatever_the_normalisation():
    split = mnist.mnist_splits(train=50, test=10, seed=5)["train"]
    known = mnist.fingerprints(split.images)
    order = torch.randperm(50, generator=torch.Generator().manual_seed(0))
    as_loaded = split.normalized()[order]
    assert mnist.identify(mnist.fingerprints(as_loaded), known) == order.tolist()
    assert mnist.identify(mnist.fingerprints(split.images[order].float() / 255), known) == order.tolist()
    assert mnist.identify(mnist.fingerprints(torch.rand(3, 28, 28)), known) == [-1, -1, -1]
