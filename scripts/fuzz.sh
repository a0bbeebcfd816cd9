#!/usr/bin/env bash
# Runs every fuzz target (Fuzz/, see docs/FUZZING.md) under libFuzzer for a bounded time, each on
# a copy of its committed seed corpus (Fuzz/Corpus/<target>), so that a run never changes it.
# Exits 1, naming the input, when an input crashes a target or hangs it; 0 when none did.
#
#   scripts/fuzz.sh                            every target, FUZZ_SECONDS (60) seconds each
#   scripts/fuzz.sh FuzzPlaylist FuzzDates     only these
#   scripts/fuzz.sh --grow-corpus              after a clean run, merge the inputs that reached
#                                              new code into Fuzz/Corpus (then review, commit)
#
# Environment: FUZZ_SECONDS (per target, default 60), FUZZ_TIMEOUT (seconds one input may take
# before it counts as a hang, default 10), FUZZ_ARGS (more libFuzzer flags, e.g. "-seed=1").
# The build lives in .build-fuzz (IVY_FUZZ=1 adds the targets to the package; -sanitize=fuzzer
# instruments our code and links libFuzzer), apart from the ordinary .build.
set -euo pipefail
cd "$(dirname "$0")/.."

all_targets=(FuzzCloudAnswers FuzzPlaylist FuzzDates)
targets=()
grow=0
while [ $# -gt 0 ]; do
  case "$1" in
    --grow-corpus) grow=1 ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
    *)
      [[ " ${all_targets[*]} " == *" $1 "* ]] || { echo "unknown fuzz target $1 (targets: ${all_targets[*]})" >&2; exit 2; }
      targets+=("$1") ;;
  esac
  shift
done
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")
seconds="${FUZZ_SECONDS:-60}"
timeout="${FUZZ_TIMEOUT:-10}"
read -r -a extra <<< "${FUZZ_ARGS:-}"

scripts/ensure-packages.sh
build=(swift build -c debug --build-system native --scratch-path .build-fuzz -Xswiftc -sanitize=fuzzer -Xswiftc -parse-as-library)
for target in "${targets[@]}"; do
  IVY_FUZZ=1 "${build[@]}" --product "$target"
done
bin="$(IVY_FUZZ=1 "${build[@]}" --show-bin-path)"

# libFuzzer saves the input that crashed only if it gets the crash signal itself: Swift's
# backtracer would take it first.
export SWIFT_BACKTRACE=enable=no

work="$(mktemp -d "${TMPDIR:-/tmp}/ivy-fuzz.XXXXXX")"
failed=()
for target in "${targets[@]}"; do
  corpus="$work/$target/corpus"
  artifacts="$work/$target/artifacts"
  log="$work/$target/log"
  mkdir -p "$corpus" "$artifacts"
  cp -R "Fuzz/Corpus/$target/." "$corpus/"
  options=(-max_total_time="$seconds" -timeout="$timeout" -print_final_stats=1 -artifact_prefix="$artifacts/")
  [ -f "Fuzz/Dictionaries/$target.dict" ] && options+=(-dict="Fuzz/Dictionaries/$target.dict")
  echo "fuzzing $target for ${seconds} s"
  if "$bin/$target" "${options[@]}" ${extra[@]+"${extra[@]}"} "$corpus" >"$log" 2>&1; then
    echo "  no crash: $(grep -m 1 -E '^Done [0-9]+ runs' "$log" || echo 'done')"
    if [ "$grow" = 1 ]; then
      before=$(find "Fuzz/Corpus/$target" -type f | wc -l)
      "$bin/$target" -merge=1 ${extra[@]+"${extra[@]}"} "Fuzz/Corpus/$target" "$corpus" >"$work/$target/merge.log" 2>&1
      after=$(find "Fuzz/Corpus/$target" -type f | wc -l)
      echo "  Fuzz/Corpus/$target: $((after - before)) new inputs"
    fi
  else
    failed+=("$target")
    tail -n 40 "$log" >&2
    found=0
    for input in "$artifacts"/crash-* "$artifacts"/timeout-* "$artifacts"/oom-* "$artifacts"/leak-*; do
      [ -e "$input" ] || continue
      found=1
      echo "CRASH in $target: input $input" >&2
      echo "  replay it: SWIFT_BACKTRACE=enable=no $bin/$target $input" >&2
    done
    [ "$found" = 1 ] || echo "$target failed without saving an input: see $log" >&2
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzzing found crashes in: ${failed[*]} (inputs and logs kept in $work). Make each a regression test: docs/FUZZING.md" >&2
  exit 1
fi
rm -rf "$work"
echo "fuzzing: no crash in ${targets[*]}"
