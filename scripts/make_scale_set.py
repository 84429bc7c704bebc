#!/usr/bin/python3
"""Writes a synthetic BEIR folder for scale benchmarks: N documents and Q queries with
D-dimensional float32 vectors a tuning method can improve.

usage: make_scale_set.py DIR N D [QUERIES] [SEED]

Documents lie around 2,000 cluster centres on the unit sphere; each query is a relevant document
seen through a fixed random distortion (a near-identity linear map) plus noise, so a linear
adapter and NUDGE both have something to learn. Judgements are binary, one to three relevant
documents per query. Layout:
  DIR/corpus.jsonl, DIR/queries.jsonl, DIR/qrels/{train,test}.tsv,
  DIR/splits/{train,dev}.txt,
  DIR/embeddings/synthetic/{corpus,queries}.npy + {corpus,query}_ids.txt.
Queries come in threes about the same document (as a user's logged queries repeat topics): a
training query (splits/train.txt) and a dev query (splits/dev.txt), both judged in
qrels/train.tsv, and a test query judged in qrels/test.tsv, so what a method learns carries over. The vectors are written
in blocks, so memory stays near one block whatever N x D is. Same arguments, same files."""
import os, sys
import numpy as np

DISTORTION = float(os.environ.get('SCALE_SET_DISTORTION', '2'))
NOISE = float(os.environ.get('SCALE_SET_NOISE', '8'))
SPREAD = float(os.environ.get('SCALE_SET_SPREAD', '0.5'))

def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    out, n, d = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    q = int(sys.argv[4]) if len(sys.argv) > 4 else 2000
    seed = int(sys.argv[5]) if len(sys.argv) > 5 else 7
    if n < 10 or d < 2 or q < 12 or q > n:
        sys.exit("make_scale_set.py: need N >= 10, D >= 2, 12 <= QUERIES <= N")
    rng = np.random.default_rng(seed)
    emb = os.path.join(out, "embeddings", "synthetic")
    for sub in ("qrels", "splits", emb):
        os.makedirs(os.path.join(out, sub), exist_ok=True)

    clusters = min(2000, max(2, n // 50))
    centres = rng.standard_normal((clusters, d)).astype(np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    spread = np.float32(SPREAD / np.sqrt(d))
    block = max(1, (1 << 26) // (4 * d))  # about 64 MB of float32 per block

    owners = rng.integers(0, clusters, n).astype(np.int32)

    def documents(start, stop):
        g = np.random.default_rng([seed, start])
        owner = owners[start:stop]
        x = centres[owner] + spread * g.standard_normal((stop - start, d)).astype(np.float32)
        return x, owner

    # Relevant documents of each query: one to three documents of one cluster.
    # Queries come in threes about one document: a training, a dev and a test query.
    judged = np.repeat(rng.choice(n, size=(q + 2) // 3, replace=False), 3)[:q]
    distortion = np.eye(d, dtype=np.float32) + (DISTORTION / np.sqrt(d)) * rng.standard_normal((d, d)).astype(np.float32)

    header = {"descr": "<f4", "fortran_order": False, "shape": (n, d)}
    with open(os.path.join(emb, "corpus.npy"), "wb") as f, \
         open(os.path.join(out, "corpus.jsonl"), "w") as text:
        np.lib.format.write_array_header_1_0(f, header)
        judged_vectors = np.zeros((q, d), np.float32)
        position = {}
        for i, doc in enumerate(judged):
            position.setdefault(int(doc), []).append(i)
        for start in range(0, n, block):
            stop = min(n, start + block)
            x, owner = documents(start, stop)
            f.write(np.ascontiguousarray(x, dtype="<f4").tobytes())
            for i in range(stop - start):
                doc = start + i
                text.write('{"_id": "d%d", "title": "", "text": "cluster c%d document %d"}\n' % (doc, owner[i], doc))
                for row in position.get(doc, ()):
                    judged_vectors[row] = x[i]
    with open(os.path.join(emb, "corpus_ids.txt"), "w") as f:
        f.write("".join("d%d\n" % i for i in range(n)))

    queries = judged_vectors @ distortion.T + (NOISE * spread) * rng.standard_normal((q, d)).astype(np.float32)
    np.save(os.path.join(emb, "queries.npy"), queries.astype("<f4"))
    with open(os.path.join(emb, "query_ids.txt"), "w") as f:
        f.write("".join("q%d\n" % i for i in range(q)))
    with open(os.path.join(out, "queries.jsonl"), "w") as f:
        for i in range(q):
            f.write('{"_id": "q%d", "text": "query %d about document %d"}\n' % (i, i, judged[i]))

    # Extra relevant documents: up to two other documents of the judged document's cluster.
    members = np.argsort(owners, kind="stable")
    first = np.searchsorted(owners[members], np.arange(clusters + 1))
    train, test = [], []
    for i in range(q):
        doc = int(judged[i])
        pool = members[first[owners[doc]]:first[owners[doc] + 1]]
        extra = [int(x) for x in rng.choice(pool, size=min(len(pool), 3), replace=False) if x != doc]
        rels = [doc] + extra[:int(rng.integers(0, 3))]
        (test if i % 3 == 2 else train).append((i, rels))
    for name, rows in (("train", train), ("test", test)):
        with open(os.path.join(out, "qrels", name + ".tsv"), "w") as f:
            f.write("query-id\tcorpus-id\tscore\n")
            for i, rels in rows:
                f.write("".join("q%d\td%d\t1\n" % (i, r) for r in rels))
    with open(os.path.join(out, "splits", "train.txt"), "w") as f:
        f.write("".join("q%d\n" % i for i, _ in train if i % 3 == 0))
    with open(os.path.join(out, "splits", "dev.txt"), "w") as f:
        f.write("".join("q%d\n" % i for i, _ in train if i % 3 == 1))

if __name__ == "__main__":
    main()
