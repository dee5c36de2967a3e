#!/usr/bin/env bash
# Makes sure the pinned helm or kubeconform binary is in the project cache (building it with Go when missing or of another version) and prints its path.
#
# Usage: scripts/ensure-chart-tools.sh helm|kubeconform     prints e.g. $HOME/.cache/palisade/bin/helm
# Needs Go only when a binary has to be built (first run: a few minutes for helm; afterwards: instant).
set -euo pipefail

helm_version=v3.22.1
# The Kubernetes release helm assumes when no cluster is asked (its client-go v0.37 is Kubernetes 1.37);
# a plain go install would leave helm's built-in default of 1.20, older than the chart allows.
helm_kube_minor=37
kubeconform_version=v0.8.0
bin_dir="$HOME/.cache/palisade/bin"

log() { printf 'ensure-chart-tools.sh: %s\n' "$*" >&2; }

case ${1:-} in
  helm)
    tool=helm package=helm.sh/helm/v3/cmd/helm module=helm.sh/helm/v3 version=$helm_version
    ldflags="-X helm.sh/helm/v3/internal/version.version=$helm_version"
    for pkg in helm.sh/helm/v3/pkg/lint/rules helm.sh/helm/v3/pkg/chartutil; do
      ldflags+=" -X $pkg.k8sVersionMajor=1 -X $pkg.k8sVersionMinor=$helm_kube_minor"
    done
    ;;
  kubeconform)
    tool=kubeconform package=github.com/yannh/kubeconform/cmd/kubeconform module=github.com/yannh/kubeconform version=$kubeconform_version
    ldflags=""
    ;;
  *)
    sed -n '4,4p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac
binary="$bin_dir/$tool"

# go install records the module version in the binary; -trimpath leaves the link flags out of it,
# so they are kept in a stamp file beside the binary, written only after a successful build.
stamp="$binary.pin"
pin="$module $version $ldflags"
is_pinned() {
  [[ -x $binary && -f $stamp && $(<"$stamp") == "$pin" ]] && command -v go >/dev/null \
    && go version -m "$binary" 2>/dev/null | awk -v m="$module" -v v="$version" '$1 == "mod" && $2 == m && $3 == v { found = 1 } END { exit !found }'
}

if ! is_pinned; then
  command -v go >/dev/null || { log "Go is required to build $tool $version"; exit 1; }
  mkdir -p "$bin_dir"
  # Concurrent runs would both write the binary; the second one waits and finds it built.
  exec 9>"$bin_dir/.$tool.lock"
  flock 9
  if ! is_pinned; then
    log "building $tool $version into $bin_dir (first run only; takes a few minutes)"
    # CGO off gives a static binary that runs on any Linux.
    rm -f "$stamp"
    CGO_ENABLED=0 GOFLAGS=-trimpath GOBIN="$bin_dir" go install -ldflags="-s -w $ldflags" "$package@$version" >&2
    printf '%s' "$pin" >"$stamp"
    is_pinned || { log "built $binary but it does not carry $module $version"; exit 1; }
  fi
  exec 9>&-
fi
echo "$binary"
