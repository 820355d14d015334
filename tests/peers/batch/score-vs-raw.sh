#!/usr/bin/env bash
# The batch bar (DESIGN.md §4, issue 21), paired: each round runs raw ONNX Runtime on the pre-parsed rows of the 1M
# file (the same graph, without ZipMap, one intra-op thread, chunk 1,024), then `shipyard score` on the 100k and the 1M
# file; the pipeline's marginal rate is 900k rows / (1M wall - 100k wall), and its share of raw is the round's ratio.
# Prints one table row per round, the median ratio, and the peak RSS of both CLI runs (memory must stay flat).
# usage: [ROUNDS=5 MODEL=breast-cancer VERSION=2 OUT=/tmp/shipyard-batch-bin NO_BUILD=1] tests/peers/batch/score-vs-raw.sh
set -euo pipefail
cd "$(dirname "$0")/../../.."
ROUNDS=${ROUNDS:-5} MODEL=${MODEL:-breast-cancer} VERSION=${VERSION:-2} OUT=${OUT:-/tmp/shipyard-batch-bin}
if [ -z "${NO_BUILD:-}" ]; then
  dotnet build -c Release src/Shipyard.Cli -o "$OUT/cli" -v q -nologo >/dev/null
  dotnet build -c Release tests/Shipyard.Benchmarks -o "$OUT/bench" -v q -nologo >/dev/null
fi
DATA=${DATA:-/tmp/shipyard-batch-data}
mkdir -p "$DATA"
if [ "$MODEL" = breast-cancer ]; then
  [ -f "$DATA/bc100k.csv" ] || python3 tests/peers/batch/breast-cancer-rows.py 100000 "$DATA/bc100k.csv"
  [ -f "$DATA/bc1m.csv" ] || python3 tests/peers/batch/breast-cancer-rows.py 1000000 "$DATA/bc1m.csv"
  SMALL=$DATA/bc100k.csv LARGE=$DATA/bc1m.csv
else
  SMALL=${SMALL:?set SMALL and LARGE for other models} LARGE=${LARGE:?}
fi
score() { /usr/bin/time -f "%e %M" -o "$DATA/time" dotnet "$OUT/cli/Shipyard.Cli.dll" score --model "$MODEL" --version "$VERSION" --input "$1" --output "$DATA/scored.csv" >/dev/null; cat "$DATA/time"; }
echo "| round (UTC) | raw rows/s | 100k wall s | 1M wall s | marginal rows/s | ratio | RSS 100k / 1M MB |"
echo "|---|---|---|---|---|---|---|"
RATIOS=()
for round in $(seq 1 "$ROUNDS"); do
  when=$(date -u +%T)
  raw=$(dotnet "$OUT/bench/Shipyard.Benchmarks.dll" --batch-raw "$LARGE" "$MODEL:$VERSION" 3 | awk '/^raw-rows\/s/ {print $2}')
  read -r small_wall small_rss < <(score "$SMALL")
  read -r large_wall large_rss < <(score "$LARGE")
  rows_small=$(($(wc -l < "$SMALL") - 1)) rows_large=$(($(wc -l < "$LARGE") - 1))
  marginal=$(python3 -c "print(round(($rows_large-$rows_small)/($large_wall-$small_wall)))")
  ratio=$(python3 -c "print(f'{$marginal/$raw:.2f}')")
  RATIOS+=("$ratio")
  echo "| $round $when | $raw | $small_wall | $large_wall | $marginal | $ratio | $((small_rss / 1024)) / $((large_rss / 1024)) |"
done
echo
echo "median ratio (marginal / raw): $(printf '%s\n' "${RATIOS[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')"
echo "$(date -u +%FT%TZ) $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg); $MODEL v$VERSION; ROUNDS=$ROUNDS"
