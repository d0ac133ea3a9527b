#!/usr/bin/env bash
# Builds the real Pulumi CLI and its Node.js language host from Go modules into a cache
# outside the repo, because no prebuilt Pulumi CLI can be downloaded on our machines.
#
#   bash test/engine/build-pulumi.sh            # prints the directory holding bin/pulumi
#
# The cache is keyed by the versions below and reused when complete. The CLI is built at the
# version matching the @pulumi/pulumi SDK we pin. The Node.js language host has lived in its own,
# untagged module since May 2023 and the Go module proxy here refuses that module
# (403 "This module version is not available"), so the host is built from the newest tagged
# sdk/v3 module that still contains it (v3.68.0); the end-to-end tests prove the pairing works.
set -euo pipefail

CLI_VERSION="${VMR_PULUMI_VERSION:-v3.248.0}"
HOST_SDK_VERSION="${VMR_PULUMI_HOST_SDK_VERSION:-v3.68.0}"
CACHE_ROOT="${VMR_PULUMI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-vm-recovery}"
ROOT="$CACHE_ROOT/pulumi-$CLI_VERSION-host-$HOST_SDK_VERSION"
BIN="$ROOT/bin"

if [[ -x "$BIN/pulumi" && -x "$BIN/pulumi-language-nodejs" && -f "$ROOT/.complete" ]]; then
  echo "$ROOT"
  exit 0
fi

mkdir -p "$BIN" "$ROOT/src/cli" "$ROOT/src/host"
log="$ROOT/build.log"
: >"$log"

# --- the CLI: a wrapper module requiring pkg/v3 and sdk/v3 at one version ---------------------
cat >"$ROOT/src/cli/go.mod" <<GOMOD
module vmr.local/pulumi-cli

go 1.25

require (
	github.com/pulumi/pulumi/pkg/v3 $CLI_VERSION
	github.com/pulumi/pulumi/sdk/v3 $CLI_VERSION
)

replace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e
GOMOD
cat >"$ROOT/src/cli/tools.go" <<'GO'
//go:build tools

package tools

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
GO

# --- the Node.js language host from the tagged sdk/v3 module that still contains it -----------
cat >"$ROOT/src/host/go.mod" <<GOMOD
module vmr.local/pulumi-host

go 1.25

require github.com/pulumi/pulumi/sdk/v3 $HOST_SDK_VERSION
GOMOD
cat >"$ROOT/src/host/tools.go" <<'GO'
//go:build tools

package tools

import _ "github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs"
GO

build() { # dir, package, output, version-variable
  local dir=$1 pkg=$2 out=$3 ver=$4
  (
    cd "$dir"
    export GOFLAGS=-mod=mod GOTOOLCHAIN=local
    go mod tidy -e >>"$log" 2>&1 || true
    go build -trimpath -tags osusergo,grpcnotrace \
      -ldflags "-s -w -X $ver" -o "$out" "$pkg" >>"$log" 2>&1
  ) || { echo "building $pkg failed; see $log" >&2; tail -n 30 "$log" >&2; exit 1; }
}

echo "building Pulumi CLI $CLI_VERSION (a few minutes on 2 cores; log: $log)" >&2
build "$ROOT/src/cli" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi "$BIN/pulumi" \
  "github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$CLI_VERSION"
echo "building pulumi-language-nodejs from sdk $HOST_SDK_VERSION" >&2
build "$ROOT/src/host" github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs \
  "$BIN/pulumi-language-nodejs" "github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$HOST_SDK_VERSION"

"$BIN/pulumi" version >/dev/null
touch "$ROOT/.complete"
echo "$ROOT"
