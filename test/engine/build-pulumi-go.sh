#!/usr/bin/env bash
# Builds the Pulumi Go language host (pulumi-language-go) into a cache outside the repo, so an
# end-to-end test can run a Go program that uses this package through the real engine.
#
#   bash test/engine/build-pulumi-go.sh        # prints the directory holding bin/pulumi-language-go
#
# The host has lived in its own, untagged module (github.com/pulumi/pulumi/sdk/go/pulumi-language-go/v3)
# since spring 2023, and the Go module proxy here refuses that module (403 "This module version is
# not available"). The newest tagged sdk/v3 module that still contains it as a package is v3.62.0,
# so the host is built from there, like the Node.js host (test/engine/build-pulumi.sh). Cached by
# version and reused when complete.
set -euo pipefail

HOST_SDK_VERSION="${VMR_PULUMI_GO_HOST_SDK_VERSION:-v3.62.0}"
CACHE_ROOT="${VMR_PULUMI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-vm-recovery}"
ROOT="$CACHE_ROOT/pulumi-language-go-sdk-$HOST_SDK_VERSION"
BIN="$ROOT/bin"

if [[ -x "$BIN/pulumi-language-go" && -f "$ROOT/.complete" ]]; then
  echo "$ROOT"
  exit 0
fi

mkdir -p "$BIN" "$ROOT/src"
log="$ROOT/build.log"
: >"$log"
cat >"$ROOT/src/go.mod" <<GOMOD
module vmr.local/pulumi-go-host

go 1.25

require github.com/pulumi/pulumi/sdk/v3 $HOST_SDK_VERSION
GOMOD
cat >"$ROOT/src/tools.go" <<'GO'
//go:build tools

package tools

import _ "github.com/pulumi/pulumi/sdk/v3/go/pulumi-language-go"
GO
echo "building pulumi-language-go from sdk $HOST_SDK_VERSION (log: $log)" >&2
(
  cd "$ROOT/src"
  export GOFLAGS=-mod=mod GOTOOLCHAIN=local
  go mod tidy -e >>"$log" 2>&1 || true
  go build -trimpath -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$HOST_SDK_VERSION" \
    -o "$BIN/pulumi-language-go" github.com/pulumi/pulumi/sdk/v3/go/pulumi-language-go >>"$log" 2>&1
) || { echo "building pulumi-language-go failed; see $log" >&2; tail -n 30 "$log" >&2; exit 1; }

touch "$ROOT/.complete"
echo "$ROOT"
