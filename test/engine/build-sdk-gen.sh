#!/usr/bin/env bash
# Builds vmr-sdk-gen (test/engine/sdk-gen/main.go) against the Pulumi CLI's codegen packages
# (pkg/v3, same version as the CLI) into a cache outside the repo, keyed by the version and the
# source's checksum; prints the directory holding bin/vmr-sdk-gen.
set -euo pipefail

PKG_VERSION="${VMR_PULUMI_VERSION:-v3.248.0}"
CACHE_ROOT="${VMR_PULUMI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-vm-recovery}"
SRC="$(cd "$(dirname "$0")" && pwd)/sdk-gen/main.go"
SUM="$(sha256sum "$SRC" | cut -c1-12)"
ROOT="$CACHE_ROOT/sdk-gen-$PKG_VERSION-$SUM"
BIN="$ROOT/bin"

if [[ -x "$BIN/vmr-sdk-gen" && -f "$ROOT/.complete" ]]; then
  echo "$ROOT"
  exit 0
fi

mkdir -p "$BIN" "$ROOT/src"
log="$ROOT/build.log"
: >"$log"
cp "$SRC" "$ROOT/src/main.go"
cat >"$ROOT/src/go.mod" <<GOMOD
module vmr.local/sdk-gen

go 1.25

require (
	github.com/pulumi/pulumi/pkg/v3 $PKG_VERSION
	github.com/pulumi/pulumi/sdk/v3 $PKG_VERSION
)

replace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e
GOMOD
echo "building vmr-sdk-gen against pkg $PKG_VERSION (log: $log)" >&2
(
  cd "$ROOT/src"
  export GOFLAGS=-mod=mod GOTOOLCHAIN=local
  go mod tidy -e >>"$log" 2>&1 || true
  go build -trimpath -o "$BIN/vmr-sdk-gen" . >>"$log" 2>&1
) || { echo "building vmr-sdk-gen failed; see $log" >&2; tail -n 30 "$log" >&2; exit 1; }

touch "$ROOT/.complete"
echo "$ROOT"
