#!/usr/bin/env bash
# Render an example scorecard and template to PDF with LibreOffice, and page 1 of the scorecard to
# docs/scorecard.png (the picture in the README).
# Needs: soffice (Debian: libreoffice-calc), pdftoppm (poppler-utils), fonts-noto-cjk for Chinese.
# Usage: scripts/render_scorecard.sh [OUTDIR] [LANG]   (defaults: build/render, zh)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-build/render}"
lang="${2:-zh}"
mkdir -p "$out" docs
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
python -m cpscore evaluate examples/cement/plant-advanced.xlsx --sector cement --lang "$lang" \
    -o "$out/scorecard.xlsx" >/dev/null
python -m cpscore template cement --lang "$lang" -o "$out/template.xlsx" >/dev/null
soffice --headless --convert-to pdf --outdir "$out" "$out/scorecard.xlsx" "$out/template.xlsx" >/dev/null
pdftoppm -r 80 -png "$out/scorecard.pdf" "$out/scorecard"
pdftoppm -r 80 -png "$out/template.pdf" "$out/template"
cp "$out/scorecard-1.png" docs/scorecard.png
ls "$out"/*.png
echo "wrote docs/scorecard.png"
