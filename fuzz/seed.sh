#!/usr/bin/env bash
# Fills fuzz/corpus/<target>/ with the seeds: the repository's own fixtures and examples, the
# generated seeds in fuzz/seeds/ (see fuzz/seedgen), and, when present on this machine, the
# shared real-format samples in /work/shared/fixtures. The corpora are working folders (not
# in git): runs add what they find to them, and running this again only adds the seeds back.
set -euo pipefail
fuzz="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$fuzz")"
shared="${ACCORD_SHARED_FIXTURES:-/work/shared/fixtures}"

# add TARGET FILE...: copies each existing file into the target's corpus.
add() {
    local target="$1"
    shift
    mkdir -p "$fuzz/corpus/$target"
    for file in "$@"; do
        if [ -f "$file" ]; then
            cp -f "$file" "$fuzz/corpus/$target/seed-$(basename "$file")"
        fi
    done
}

for dir in "$fuzz"/seeds/*/; do
    target=$(basename "$dir")
    add "$target" "$dir"*
done

fixtures="$repo/crates/formats/tests/fixtures"
add plan_xlsx "$repo/examples/plan-2025-2027.xlsx" "$shared"/plans/*.xlsx
add trade_template_csv "$repo/examples/trade/template-sample.csv"
add comtrade "$fixtures"/comtrade_*.csv "$shared"/formats/comtrade_*.csv
add rates_cbr_xml "$fixtures"/cbr_*.xml "$repo"/examples/trade/cbr-*.xml "$shared"/formats/cbr_*.xml
add rates_nbrb_json "$fixtures"/nbrb_*.json "$repo"/examples/trade/nbrb-*.json "$shared"/formats/nbrb_*.json
add network_json "$repo"/crates/formats/data/logistics/reference-products.json \
    "$repo"/crates/formats/data/logistics/reference-chains.json
# Every target starts from at least one input, even one without seeds of its own.
for target in $(sed -n 's/^name = "\(.*\)"$/\1/p' "$fuzz/Cargo.toml" | grep -v '^accord-fuzz$'); do
    mkdir -p "$fuzz/corpus/$target"
done
