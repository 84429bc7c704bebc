#!/usr/bin/env python3
"""Apply an embtune adapter (safetensors written by `embtune-cli train --export-adapter`) to
query vectors with NumPy alone.

usage: apply_adapter.py ADAPTER.safetensors QUERIES.npy OUT.npy [--documents]
Rows of QUERIES.npy are black-box vectors of the embedder the adapter was trained on; with
--documents the document-side formula is applied (adder2, refine, linear with sides=both). The formulas are also
written in the adapter's metadata (apply_queries, apply_documents).
"""
import json
import struct
import sys

import numpy as np


def read_safetensors(path):
    with open(path, "rb") as f:
        (header_len,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(header_len))
        data = f.read()
    metadata = header.pop("__metadata__", {})
    tensors = {}
    for name, t in header.items():
        begin, end = t["data_offsets"]
        tensors[name] = np.frombuffer(data[begin:end], dtype="<f4").reshape(t["shape"])
    return tensors, metadata


def normalize(x):
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return x / np.where(norms > 0, norms, 1)


def softmax(x):
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def apply(x, tensors, metadata, documents=False):
    method = metadata["method"]
    settings = json.loads(metadata.get("settings", "{}"))
    if documents and not metadata.get("apply_documents"):
        return x  # documents are used as they are
    if method in ("linear", "soft-label", "refine"):
        return normalize(x @ tensors["W"].T)
    if method == "adder":
        return normalize(x + softmax(x @ tensors["K"].T / float(settings["temperature"])) @ tensors["V"])
    if method == "adder2":
        k, v = ("c_K", "c_V") if documents else ("q_K", "q_V")
        x = normalize(x) if documents else x
        return normalize(x + softmax(x @ tensors[k].T / float(settings["temperature"])) @ tensors[v])
    sys.exit(f"{method}: re-encodes text; see apply_queries in the adapter's metadata")


if __name__ == "__main__":
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    tensors, metadata = read_safetensors(sys.argv[1])
    vectors = np.load(sys.argv[2]).astype(np.float32)
    np.save(sys.argv[3], apply(vectors, tensors, metadata, "--documents" in sys.argv[4:]).astype(np.float32))
