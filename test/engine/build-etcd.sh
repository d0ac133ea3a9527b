#!/usr/bin/env bash
# Builds a real etcd server from Go modules into the cache that holds the Pulumi CLI (see
# build-pulumi.sh), because no prebuilt etcd can be downloaded on our machines. The tests of the
# etcd run store start a 3-member cluster of it on loopback ports.
#
#   bash test/engine/build-etcd.sh             # prints the directory holding bin/etcd
#
# The server module has no main package of its own that `go build` can reach from outside its
# repository (etcd's main lives in the untagged root module), so a tiny main calls the server
# module's etcdmain.Main, exactly what etcd's own main.go does. Cached by version, reused when
# complete.
set -euo pipefail

ETCD_VERSION="${VMR_ETCD_VERSION:-v3.7.3}"
CACHE_ROOT="${VMR_PULUMI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-vm-recovery}"
ROOT="$CACHE_ROOT/etcd-$ETCD_VERSION"
BIN="$ROOT/bin"

if [[ -x "$BIN/etcd" && -f "$ROOT/.complete" ]]; then
  echo "$ROOT"
  exit 0
fi

mkdir -p "$BIN" "$ROOT/src"
log="$ROOT/build.log"
: >"$log"

cat >"$ROOT/src/go.mod" <<GOMOD
module vmr.local/etcd

go 1.26

require go.etcd.io/etcd/server/v3 $ETCD_VERSION
GOMOD
cat >"$ROOT/src/main.go" <<'GO'
// etcd, as etcd's own main.go starts it.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
GO

echo "building etcd $ETCD_VERSION (a few minutes on 2 cores; log: $log)" >&2
(
  cd "$ROOT/src"
  export GOFLAGS=-mod=mod GOTOOLCHAIN=local
  go mod tidy -e >>"$log" 2>&1 || true
  go build -trimpath -ldflags "-s -w" -o "$BIN/etcd" . >>"$log" 2>&1
) || { echo "building etcd failed; see $log" >&2; tail -n 30 "$log" >&2; exit 1; }

"$BIN/etcd" --version >/dev/null
touch "$ROOT/.complete"
echo "$ROOT"
