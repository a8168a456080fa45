#!/usr/bin/env bash
# Renders the certificate previews (bimtek certificate-preview: the plain
# sample in Indonesian, the long one in English with two signatories and
# every picture) and checks each PDF: qpdf finds no damage, pdffonts lists
# every font as embedded, and the QR code on the front page, rendered at
# 150 dpi, reads as the certificate's verify address. Needs qpdf,
# poppler-utils and zbar-tools; BIMTEK names the binary (default
# target/debug/bimtek).
set -euo pipefail
cd "$(dirname "$0")/../.."
bimtek=${BIMTEK:-target/debug/bimtek}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
base=https://bimtek.example.id
expected="$base/verify/K7M2-Q9XD-4HPA"

check() {
  local name=$1
  shift
  "$bimtek" certificate-preview --base-url "$base" --out "$dir/$name.pdf" "$@" >/dev/null
  qpdf --check "$dir/$name.pdf" >/dev/null
  local fonts
  fonts=$(pdffonts "$dir/$name.pdf" | tail -n +3)
  [ -n "$fonts" ] || { echo "$name: no fonts" >&2; exit 1; }
  # Columns from the right: object ID (two), uni, sub, emb.
  if echo "$fonts" | awk '$(NF-4) != "yes" { bad = 1; print } END { exit !bad }' >&2; then
    echo "$name: the fonts above are not embedded" >&2
    exit 1
  fi
  pdftoppm -r 150 -png -f 1 -l 1 "$dir/$name.pdf" "$dir/$name"
  local read
  read=$(zbarimg -q --raw "$dir/$name"-1.png 2>/dev/null)
  if [ "$read" != "$expected" ]; then
    echo "$name: the QR code reads \"$read\", not \"$expected\"" >&2
    exit 1
  fi
  # The footer signed documents carry is for the signatory's tool to add.
  if pdftotext "$dir/$name.pdf" - | tr -s ' \n' '  ' | grep -Eqi 'BSrE|ditandatangani secara elektronik'; then
    echo "$name: the unsigned certificate carries the electronic signature's footer" >&2
    exit 1
  fi
  local pages
  pages=$(qpdf --show-npages "$dir/$name.pdf")
  echo "$name: $pages pages, $(stat -c %s "$dir/$name.pdf") bytes, $(echo "$fonts" | wc -l) fonts embedded, QR reads $read"
}

check plain
check long --long --lang en
