#!/usr/bin/env bash
# Runs every fuzz target (or those named) for SECONDS each, one after another:
#   fuzz/run.sh [SECONDS] [TARGET...]        (default 60 s, every target)
# Needs the nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`). Seeds the corpora
# first (seed.sh); prints per target the executions and whether it crashed (a panic, an abort,
# an allocation over 2 GB, a run over 10 s on one input); the failing input is kept in
# fuzz/artifacts/<target>/ and the log in fuzz/artifacts/<target>.log. Exits 1 if any target
# crashed. FUZZ_NICE sets the niceness (default 10); FUZZ_TARGET_DIR a build folder other than
# fuzz/target (CI keeps its builds outside the clone).
set -euo pipefail
fuzz="$(cd "$(dirname "$0")" && pwd)"
cd "$(dirname "$fuzz")"
seconds="${1:-60}"
shift || true
if [ "$#" -gt 0 ]; then
    targets=("$@")
else
    mapfile -t targets < <(env -u CARGO_TARGET_DIR cargo +nightly fuzz list)
fi
# The fuzz crate has its own workspace and build folder (fuzz/target, or FUZZ_TARGET_DIR):
# never the main workspace's, whose artifacts are built without the sanitizer.
unset CARGO_TARGET_DIR
target_dir=()
if [ -n "${FUZZ_TARGET_DIR:-}" ]; then
    target_dir=(--target-dir "$FUZZ_TARGET_DIR")
fi

"$fuzz/seed.sh"
mkdir -p "$fuzz/artifacts"
echo "building ${#targets[@]} targets"
nice -n "${FUZZ_NICE:-10}" cargo +nightly fuzz build "${target_dir[@]}" >"$fuzz/artifacts/build.log" 2>&1 || {
    tail -n 40 "$fuzz/artifacts/build.log"
    exit 2
}

dict_for() {
    case "$1" in
        rates_cbr_xml) echo "-dict=$fuzz/dicts/xml.dict" ;;
        rates_nbrb_json | network_json | backup_parts) echo "-dict=$fuzz/dicts/json.dict" ;;
    esac
}

crashed=0
printf '%-22s %8s %12s  %s\n' target seconds runs result
for target in "${targets[@]}"; do
    log="$fuzz/artifacts/$target.log"
    # shellcheck disable=SC2046 # an empty dictionary option must vanish
    if nice -n "${FUZZ_NICE:-10}" cargo +nightly fuzz run "${target_dir[@]}" "$target" -- \
        -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
        $(dict_for "$target") >"$log" 2>&1; then
        result="ok"
    else
        crashed=1
        artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
        kind=$(grep -m 1 -oE "deadly signal|panicked at [^ ]*|out-of-memory[^)]*\)|timeout after [0-9]+ seconds|ERROR: AddressSanitizer: [a-z-]+" "$log" || true)
        result="CRASH ${kind:-see $log} ${artifact:+-> $artifact}"
    fi
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    printf '%-22s %8s %12s  %s\n' "$target" "$seconds" "${runs:-?}" "$result"
done
exit "$crashed"
