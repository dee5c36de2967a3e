{{/* Names, labels and the image reference shared by every template. */}}

{{- define "palisade.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Release-scoped name; kept short enough for the longest suffix ("-audit-consumer-headless"). */}}
{{- define "palisade.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 38 | trimSuffix "-" }}
{{- else if contains (include "palisade.name" .) .Release.Name }}
{{- .Release.Name | trunc 38 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name (include "palisade.name" .) | trunc 38 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{- define "palisade.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "palisade.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: palisade
{{- end }}

{{/* Selector labels of one component: call with (dict "root" $ "component" "gateway"). */}}
{{- define "palisade.selectorLabels" -}}
app.kubernetes.io/name: {{ include "palisade.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "palisade.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{- define "palisade.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "palisade.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
The gateway's configuration file: values' gateway.config with what the chart owns set over it
(listen address and port, the Kafka brokers and topic, the content stores on the shared volume).
*/}}
{{- define "palisade.gatewayConfig" -}}
{{- $config := deepCopy .Values.gateway.config }}
{{- $server := mergeOverwrite (deepCopy (default dict $config.server)) (dict "host" "0.0.0.0" "port" (int .Values.gateway.port)) }}
{{- $_ := set $config "server" $server }}
{{- $audit := deepCopy (default dict $config.audit) }}
{{- $kafka := mergeOverwrite (deepCopy (default dict $audit.kafka)) (dict "brokers" .Values.kafka.brokers "topic" .Values.kafka.topic) }}
{{- $_ = set $audit "kafka" $kafka }}
{{- $_ = set $audit "sink" "kafka" }}
{{- $content := mergeOverwrite (deepCopy (default dict $audit.content)) (dict "keys_dir" "/var/lib/palisade/subject-keys" "store_dir" "/var/lib/palisade/content") }}
{{- $_ = set $audit "content" $content }}
{{- $_ = set $config "audit" $audit }}
{{- toPrettyJson $config }}
{{- end }}

{{/* The audit consumer's configuration file, with the Kafka topic, ledger folder, key and HTTP port the chart owns. */}}
{{- define "palisade.consumerConfig" -}}
{{- $config := deepCopy .Values.auditConsumer.config }}
{{- $kafka := mergeOverwrite (deepCopy (default dict $config.kafka)) (dict "brokers" .Values.kafka.brokers "topic" .Values.kafka.topic) }}
{{- $_ := set $config "kafka" $kafka }}
{{- $signingKey := "/var/lib/palisade/keys/ledger.key" }}
{{- if .Values.auditConsumer.signingKey.existingSecret }}
{{- $signingKey = printf "/etc/palisade/secrets/%s" .Values.auditConsumer.signingKey.key }}
{{- end }}
{{- $ledger := mergeOverwrite (deepCopy (default dict $config.ledger)) (dict "dir" "/var/lib/palisade/ledger" "signing_key_file" $signingKey "create_signing_key" (not .Values.auditConsumer.signingKey.existingSecret)) }}
{{- $_ = set $config "ledger" $ledger }}
{{- $_ = set $config "http" (dict "host" "0.0.0.0" "port" (int .Values.auditConsumer.port)) }}
{{- toPrettyJson $config }}
{{- end }}
