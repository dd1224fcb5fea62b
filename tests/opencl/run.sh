#!/usr/bin/env bash
# OpenCL on a real OpenCL device without a GPU: PoCL 6 (Debian trixie, CPU device) in a chroot
# (prepare-chroot.sh; the host's glibc is too old for it). Publishes self-contained programs into the
# chroot and runs there, with /proc and /sys mounted:
#   1. opencl-probe (tests/opencl/OpenClProbe): ILGPU must get a real OpenCL accelerator, and int8 dot
#      products computed by it must equal the CPU's;
#   2. `edge devices`: must list that OpenCL device;
#   3. `edge test-model --backend opencl` on the int8 fixtures;
#   4. the ILGPU kernel tests (tests/Edge.Runtime.Ilgpu.Tests, built on the host) with EDGE_OPENCL_REQUIRED=1,
#      run by the host's dotnet bind-mounted read-only into the chroot.
# One line per check, then "opencl: N passed, M failed, K skipped" (.ci/run adds these up); exit 1 on any failure.
# Needs root. Environment: EDGE_POCL_ROOT / EDGE_POCL_CACHE (see prepare-chroot.sh), EDGE_OPENCL_TIMEOUT
# (seconds per command inside the chroot, default 900), EDGE_OPENCL_TEST_FILTER (dotnet test --filter).
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
# shellcheck source=tests/opencl/mounts.sh
source tests/opencl/mounts.sh

if [ "$(id -u)" -ne 0 ]; then
  echo "opencl: run.sh needs root (chroot, mount)" >&2
  exit 1
fi

# One run at a time per machine: another run must not unmount or rebuild the chroot under this one.
cache=${EDGE_POCL_CACHE:-/var/cache/edge-pocl}
mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9
export EDGE_POCL_LOCK_HELD=1

t0=$SECONDS
if ! root=$(bash tests/opencl/prepare-chroot.sh); then
  # Its own message says which step failed; the summary line keeps .ci/run's count honest.
  echo "opencl: FAILED prepare-chroot.sh"
  echo "opencl: 0 passed, 1 failed, 0 skipped"
  exit 1
fi
echo "opencl: chroot ready in $((SECONDS - t0)) s"
log=$(mktemp)
on_exit() {
  local rc=$?
  # Never leave /proc, /sys or the bind mounts behind, also not after a failure or Ctrl-C.
  unmount_all "$root" || { echo "opencl: could not unmount everything under $root" >&2; rc=1; }
  rm -f "$log"
  exit "$rc"
}
trap on_exit EXIT
trap 'exit 130' INT TERM

passes=0 failures=0 skips=0
pass() { echo "opencl: passed $1"; passes=$((passes + 1)); }
failed() { echo "opencl: FAILED $1"; failures=$((failures + 1)); }

# Runs a command inside the chroot with a clean environment; its output goes to stdout. Children never
# get the lock's descriptor (9): an orphan left by a killed run must not hold the lock.
dotnet_dir=$(dirname "$(readlink -f "$(command -v dotnet)")")
in_chroot() {
  timeout --kill-after=10 "${EDGE_OPENCL_TIMEOUT:-900}" chroot "$root" /usr/bin/env -i \
    PATH="$dotnet_dir:/usr/bin:/bin" HOME=/root TMPDIR=/tmp DOTNET_ROOT="$dotnet_dir" \
    DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 \
    DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 EDGE_OPENCL_REQUIRED=1 \
    sh -c 'cd /tmp && exec "$@"' sh "$@" 9>&-
}

# Publishes a project self-contained into the chroot's /opt/$2; prints the build log only when it fails.
publish() {
  rm -rf "${root:?}/opt/$2"
  if ! dotnet publish "$1" -c Release -r linux-x64 --self-contained -p:UseAppHost=true \
      --disable-build-servers -o "$root/opt/$2" >"$log" 2>&1 9>&-; then
    tail -n 30 "$log"
    return 1
  fi
}

start=$SECONDS
publish tests/opencl/OpenClProbe opencl-probe || { failed "publish tests/opencl/OpenClProbe"; }
publish src/Edge.Cli edge || { failed "publish src/Edge.Cli"; }
echo "opencl: published in $((SECONDS - start)) s"

mount_chroot "$root"
# The repository (fixtures, test binaries) and the host's dotnet, read-only: nothing inside may change them.
mkdir -p "$root/src" "$root$dotnet_dir"
mount --bind "$repo" "$root/src" && mount -o remount,bind,ro "$root/src"
mount --bind "$dotnet_dir" "$root$dotnet_dir" && mount -o remount,bind,ro "$root$dotnet_dir"

# 1. The probe: a real OpenCL device that computes int8 right, or nothing else can be trusted.
device_name=""
if [ -x "$root/opt/opencl-probe/opencl-probe" ]; then
  if in_chroot /opt/opencl-probe/opencl-probe | tee "$log"; then
    pass "opencl-probe: ILGPU on an OpenCL device, int8 dot products exact"
  else
    failed "opencl-probe"
  fi
  device_name=$(sed -n 's/^opencl-probe: device   \(.*\), vendor .*/\1/p' "$log")
fi

edge=/opt/edge/edge

# 2. `edge devices` must list the probe's OpenCL device, as OpenCL. (`edge X --help` exits 0 even for an
# unknown X, so the root help's command list says whether the command exists.)
if [ ! -x "$root$edge" ]; then
  failed "edge devices (edge was not published)"
elif ! in_chroot "$edge" --help | grep -qE '^ +devices( |$)'; then
  failed "edge devices: the command is missing"
elif in_chroot "$edge" devices 2>&1 | tee "$log" && grep -i 'opencl' "$log" | grep -qF "${device_name:-OpenCL}"; then
  pass "edge devices lists OpenCL device ${device_name:-?}"
else
  failed "edge devices: no OpenCL device ${device_name:+named $device_name }in its output"
fi

# 3. The int8 fixtures on the OpenCL backend (tolerance: one output quantization step, as on ARM64).
# A run that fell back to the CPU is a failure, whatever it computed.
fixtures=(ptq_per_tensor ptq_per_channel qat_student dynamic_mlp dynamic_transformer)
fallback='running on cpu|falling back|fell back'
for f in "${fixtures[@]}"; do
  [ -x "$root$edge" ] || { failed "edge test-model $f --backend opencl (edge was not published)"; continue; }
  atol=$(grep -o '"output_step": [0-9.e-]*' "tests/fixtures/$f/info.json" | awk '{print $2}' || true)
  if in_chroot "$edge" test-model "/src/tests/fixtures/$f" --backend opencl --atol "${atol:-1e-4}" --rtol 1e-4 >"$log" 2>&1; then
    rc=0
  else
    rc=$?
  fi
  sed 's/^/    /' "$log"
  if grep -qiE "$fallback" "$log"; then
    failed "edge test-model $f --backend opencl: fell back to the CPU"
  elif [ "$rc" -eq 0 ]; then
    pass "edge test-model $f --backend opencl"
  else
    failed "edge test-model $f --backend opencl (exit $rc)"
  fi
done

# 4. The ILGPU kernel tests on OpenCL; each test counts (the dotnet test summary is indented so that
# .ci/run does not count it a second time).
tests=tests/Edge.Runtime.Ilgpu.Tests
if ! grep -rqs EDGE_OPENCL_REQUIRED "$tests" --include='*.cs'; then
  failed "ILGPU kernel tests: none reads EDGE_OPENCL_REQUIRED"
elif ! dotnet build "$tests" -c Release --disable-build-servers >"$log" 2>&1 9>&-; then
  tail -n 30 "$log"
  failed "build $tests"
else
  dll=/src/$tests/bin/Release/net10.0/Edge.Runtime.Ilgpu.Tests.dll
  set +e
  in_chroot dotnet test "$dll" ${EDGE_OPENCL_TEST_FILTER:+--filter "$EDGE_OPENCL_TEST_FILTER"} >"$log" 2>&1
  rc=$?
  set -e
  sed 's/^/    /' "$log"
  counts=$(awk '/^(Passed|Failed)!  *- Failed:/ { gsub(",", ""); for (i = 1; i <= NF; i++) { if ($i == "Failed:") f = $(i+1); if ($i == "Passed:") p = $(i+1); if ($i == "Skipped:") s = $(i+1) } }
                END { print p + 0, f + 0, s + 0 }' "$log")
  read -r p f s <<<"$counts"
  passes=$((passes + p)); failures=$((failures + f)); skips=$((skips + s))
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
    failed "ILGPU kernel tests on OpenCL (dotnet test exit $rc)"
  elif [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
    failed "ILGPU kernel tests on OpenCL (no test ran)"
  elif [ "$f" -gt 0 ]; then
    echo "opencl: FAILED ILGPU kernel tests on OpenCL: $p passed, $f failed, $s skipped"
  else
    echo "opencl: passed ILGPU kernel tests on OpenCL: $p passed, $f failed, $s skipped"
  fi
fi

echo "opencl: $passes passed, $failures failed, $skips skipped ($((SECONDS - t0)) s)"
[ "$failures" -eq 0 ]
