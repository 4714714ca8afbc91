#!/usr/bin/env bash
# Writes `train --json` for every format and policy whose results must not change,
# with the measured times removed, so that two builds can be compared by `diff -r`:
#
#   Tests/Scripts/train-json-snapshot.sh .build/release/precision-lab /tmp/before
#   ...change, rebuild...
#   Tests/Scripts/train-json-snapshot.sh .build/release/precision-lab /tmp/after
#   diff -r /tmp/before /tmp/after && echo identical
#
# Short runs (2 epochs on 6,000 images) keep it to a few minutes; every operation
# of a full run is exercised.
set -euo pipefail
binary=${1:?usage: train-json-snapshot.sh PRECISION_LAB_BINARY OUTPUT_DIR}
out=${2:?usage: train-json-snapshot.sh PRECISION_LAB_BINARY OUTPUT_DIR}
mkdir -p "$out"
formats=(fp32 tf32 bf16 fp16 fp8-e5m2 fp8-e4m3 lns8 int8)
policies=("pure:" "acc-fp32:--accumulate fp32" "master-fp32:--master-weights fp32"
          "stochastic:--rounding stochastic" "stochastic-update:--stochastic-update"
          "loss-scale:--loss-scale 1024" "toward-zero:--rounding toward-zero"
          "weight-decay:--weight-decay 0.001")
for format in "${formats[@]}"; do
    for policy in "${policies[@]}"; do
        name=${policy%%:*}
        flags=${policy#*:}
        # shellcheck disable=SC2086
        "$binary" train --format "$format" $flags --epochs 2 --train-limit 6000 --validation 1000 \
            --threads 2 --seed 3 --json "$out/$format.$name.raw.json" >/dev/null
        sed -E 's/"seconds" *: *[-0-9.eE+]+/"seconds": 0/g' "$out/$format.$name.raw.json" > "$out/$format.$name.json"
        rm "$out/$format.$name.raw.json"
    done
done
echo "wrote $(ls "$out" | wc -l) files to $out"
