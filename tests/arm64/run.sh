#!/usr/bin/env bash
# ARM64 (Raspberry Pi 5, Jetson) under qemu-user: publishes `edge` self-contained for linux-arm64,
# then runs `edge selftest` and `edge test-model` on the int8 fixtures twice: with the dot-product
# extension (qemu's default "max" CPU has it) and without it (QEMU_CPU=cortex-a72), so that both
# the Dp and the plain AdvSimd kernels run. Needs qemu-user-static and the arm64 C runtime
# (.ci/run installs them).
set -euo pipefail
cd "$(dirname "$0")/../.."

out=${EDGE_ARM64_OUT:-$(mktemp -d)}
dotnet publish src/Edge.Cli -c Release -r linux-arm64 --self-contained -o "$out" -p:UseAppHost=true >/dev/null
# Without this .NET under qemu hits random ExecutionEngineException/SIGILL (W^X double mapping).
export DOTNET_EnableWriteXorExecute=0 DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1

failures=0
passes=0
for cpu in max cortex-a72; do
  echo "== linux-arm64 under qemu, CPU $cpu"
  if QEMU_CPU=$cpu qemu-aarch64-static -L / "$out/edge" selftest; then
    passes=$((passes + 1))
  else
    echo "selftest FAILED on $cpu"; failures=$((failures + 1))
  fi
  for fixture in tests/fixtures/*/; do
    grep -q '"quantization": "none"' "$fixture/info.json" && continue
    [ -f "$fixture/test_data_set_0/output_0.pb" ] || continue
    atol=$(grep -o '"output_step": [0-9.e-]*' "$fixture/info.json" | awk '{print $2}' || true)
    if QEMU_CPU=$cpu qemu-aarch64-static -L / "$out/edge" test-model "$fixture" --atol "${atol:-1e-4}" --rtol 1e-4; then
      passes=$((passes + 1))
    else
      echo "test-model FAILED on $cpu: $fixture"; failures=$((failures + 1))
    fi
  done
done
[ -z "${EDGE_ARM64_OUT:-}" ] && rm -rf "$out"
echo "arm64: $passes passed, $failures failed"
[ "$failures" -eq 0 ]
