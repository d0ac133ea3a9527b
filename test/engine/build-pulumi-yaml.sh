#!/usr/bin/env bash
# Builds the Pulumi YAML language host (pulumi-language-yaml) from its Go module into a cache
# outside the repo, so end-to-end tests can run Pulumi YAML programs that use this package
# through the real engine (see docs/other-languages.md).
#
#   bash test/engine/build-pulumi-yaml.sh       # prints the directory holding bin/pulumi-language-yaml
#
# The cache is keyed by the version and reused when complete. The Go module proxy serves
# github.com/pulumi/pulumi-yaml v1.11.1 and v1.25.0; v1.25.0 (requires pulumi pkg/sdk v3.206.0)
# is the newest, and its host speaks the language-host protocol of the v3.248 CLI well enough to
# run programs (it lacks `Link`, so `pulumi package add` cannot finish with it). The module has no
# replace directives, so `go install module@version` builds it with its own dependency versions.
set -euo pipefail

YAML_VERSION="${VMR_PULUMI_YAML_VERSION:-v1.25.0}"
CACHE_ROOT="${VMR_PULUMI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-vm-recovery}"
ROOT="$CACHE_ROOT/pulumi-language-yaml-$YAML_VERSION"
BIN="$ROOT/bin"

if [[ -x "$BIN/pulumi-language-yaml" && -f "$ROOT/.complete" ]]; then
  echo "$ROOT"
  exit 0
fi

mkdir -p "$BIN"
log="$ROOT/build.log"
: >"$log"
echo "building pulumi-language-yaml $YAML_VERSION (about a minute on 2 cores; log: $log)" >&2
(
  export GOTOOLCHAIN=local GOFLAGS=-mod=mod GOBIN="$BIN"
  go install -trimpath -ldflags "-s -w -X github.com/pulumi/pulumi-yaml/pkg/version.Version=$YAML_VERSION" \
    "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml@$YAML_VERSION" >>"$log" 2>&1
) || { echo "building pulumi-language-yaml failed; see $log" >&2; tail -n 30 "$log" >&2; exit 1; }

touch "$ROOT/.complete"
echo "$ROOT"
