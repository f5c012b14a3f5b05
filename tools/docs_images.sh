#!/usr/bin/env bash
# Regenerate the pictures in docs/ from a fresh build (needs pdftoppm from poppler-utils).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-out}
page() {  # page <pdf> <page number> <name>
  pdftoppm -r 60 -png -singlefile -f "$2" -l "$2" "$out/$1" "docs/$3"
}
page workbook.pdf 3 workbook-page
page flashcards.pdf 1 flashcards-front
page flashcards.pdf 2 flashcards-back
