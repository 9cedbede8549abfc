#!/usr/bin/env bash
# Render every output a person looks at, in Chinese and English, and keep the pictures:
#   workbooks (template, scorecard, list) -> PDF with LibreOffice -> PNG with pdftoppm;
#   the HTML list page -> PNG with headless Chromium, desktop 1280×900 and phone 390×844.
# Needs: soffice (libreoffice-calc), pdftoppm (poppler-utils), chromium, fonts-noto-cjk.
# Usage: scripts/render_all.sh [OUTDIR]   (default build/render); refreshes docs/*.png.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-build/render}"
mkdir -p "$out" docs
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
plants="$out/plants"
python - "$plants" <<'PY'
import sys
from pathlib import Path
sys.path.insert(0, "tests")
from batch_data import write_plants
from cpscore.system.catalog import load
write_plants(load("cement"), Path(sys.argv[1]), 20)
PY
profile="$(mktemp -d)"
for lang in zh en; do
    d="$out/$lang"
    mkdir -p "$d"
    python -m cpscore template cement --lang "$lang" -o "$d/template.xlsx" >/dev/null
    python -m cpscore evaluate examples/cement/plant-advanced.xlsx --lang "$lang" \
        -o "$d/scorecard.xlsx" >/dev/null
    python -m cpscore evaluate examples/hazardous-waste-incineration/plant-lagging.xlsx \
        --lang "$lang" -o "$d/scorecard-hw.xlsx" >/dev/null
    python -m cpscore batch "$plants" --sector cement --lang "$lang" -o "$d/list.xlsx" \
        --html "$d/list.html" --csv "$d/list.csv" 2>/dev/null || true
    soffice "-env:UserInstallation=file://$profile" --headless --convert-to pdf --outdir "$d" \
        "$d/template.xlsx" "$d/scorecard.xlsx" "$d/scorecard-hw.xlsx" "$d/list.xlsx" >/dev/null
    for f in template scorecard scorecard-hw list; do
        pdftoppm -r 70 -png "$d/$f.pdf" "$d/$f"
    done
    for size in 1280,900 390,844; do
        chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
            --disable-component-update --disable-sync --no-first-run \
            --user-data-dir="$(mktemp -d)" --hide-scrollbars \
            --window-size="$size" --screenshot="$d/list-html-${size%,*}.png" \
            "file://$(realpath "$d/list.html")" >/dev/null 2>&1
    done
done
cp "$out/zh/scorecard-1.png" docs/scorecard.png
cp "$out/zh/list-1.png" docs/list.png
cp "$out/zh/list-2.png" docs/list-statistics.png
cp "$out/zh/list-html-390.png" docs/list-phone.png
ls "$out"/*/*.png
echo "wrote docs/scorecard.png docs/list.png docs/list-statistics.png docs/list-phone.png"
