#!/usr/bin/env bash
# Checks the Helm chart as a cluster would see it: helm lint --strict, helm template with the default values and with each file in deploy/helm/palisade/ci/, and kubeconform -strict against the pinned Kubernetes release's schemas, all offline.
#
# Usage: scripts/helm-check.sh
# Builds helm and kubeconform and converts the schemas on first use (scripts/ensure-chart-tools.sh, scripts/ensure-k8s-schemas.sh).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
chart="$root/deploy/helm/palisade"
helm=$("$root/scripts/ensure-chart-tools.sh" helm)
kubeconform=$("$root/scripts/ensure-chart-tools.sh" kubeconform)
schemas=$("$root/scripts/ensure-k8s-schemas.sh")
kube_version=$(basename "$schemas" | sed 's/^v\([0-9.]*\)-.*/\1/')

work=$(mktemp -d "${TMPDIR:-/tmp}/palisade-helm-check.XXXXXX")
trap 'rm -rf "$work"' EXIT

# The defaults, then every alternative set of values the chart promises to render.
value_sets=(default)
shopt -s nullglob
for f in "$chart"/ci/*-values.yaml; do value_sets+=("$f"); done

for values in "${value_sets[@]}"; do
  args=()
  [[ $values == default ]] || args=(--values "$values")
  name=$(basename "$values" .yaml)
  echo "helm lint --strict ($name)"
  "$helm" lint --strict --kube-version "$kube_version" "$chart" "${args[@]}"
  "$helm" template palisade "$chart" --namespace palisade --kube-version "$kube_version" "${args[@]}" >"$work/$name.yaml"
  echo "kubeconform -strict, Kubernetes $kube_version ($name)"
  "$kubeconform" -strict -summary -kubernetes-version "$kube_version" \
    -schema-location "$schemas/{{ .ResourceKind }}{{ .KindSuffix }}.json" "$work/$name.yaml"
done
