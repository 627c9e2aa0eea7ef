{{/*
Names, labels and the small lookups every template shares.
*/}}

{{- define "oviya.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* "<release>-oviya", or just the release name when it already contains the chart name. */}}
{{- define "oviya.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Name of a component's objects, e.g. "oviya-chat-service". Takes (dict "root" $ "component" "chat-service"). */}}
{{- define "oviya.componentName" -}}
{{- printf "%s-%s" (include "oviya.fullname" .root) .component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "oviya.labels" -}}
app.kubernetes.io/name: {{ include "oviya.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/part-of: oviya
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- if .Values.helmLabels }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Selector labels of one component. Takes (dict "root" $ "component" NAME). */}}
{{- define "oviya.selectorLabels" -}}
app.kubernetes.io/name: {{ include "oviya.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "oviya.componentLabels" -}}
{{ include "oviya.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* Labels that select every pod of the release (deny-all policy). */}}
{{- define "oviya.releaseSelectorLabels" -}}
app.kubernetes.io/name: {{ include "oviya.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/*
Image reference of a service: "<repository>:<tag>" (or "@sha256:..." for a digest).
Takes (dict "root" $ "svc" VALUES "component" NAME).
*/}}
{{- define "oviya.image" -}}
{{- $root := .root -}}
{{- $repo := .svc.image.repository | default (printf "%s/%s" (trimSuffix "/" $root.Values.image.registry) .component) -}}
{{- $tag := .svc.image.tag | default $root.Values.image.tag | default $root.Chart.AppVersion | toString -}}
{{- if or (eq $tag "latest") (eq $tag "") -}}
{{- fail (printf "%s: the image tag must be a version, not %q" .component $tag) -}}
{{- end -}}
{{- if hasPrefix "sha256:" $tag -}}
{{- printf "%s@%s" $repo $tag -}}
{{- else -}}
{{- if and (eq $root.Values.image.flavor "native") (not (hasSuffix "-native" $tag)) -}}
{{- $tag = printf "%s-native" $tag -}}
{{- end -}}
{{- printf "%s:%s" $repo $tag -}}
{{- end -}}
{{- end -}}

{{- define "oviya.serviceAccountName" -}}
{{- if .svc.serviceAccount.create -}}
{{- .svc.serviceAccount.name | default (include "oviya.componentName" .) -}}
{{- else -}}
{{- .svc.serviceAccount.name | default "default" -}}
{{- end -}}
{{- end -}}

{{/* Host of PostgreSQL: database.host, else the in-cluster server. */}}
{{- define "oviya.databaseHost" -}}
{{- if .Values.database.host -}}
{{- .Values.database.host -}}
{{- else if .Values.postgresql.enabled -}}
{{- include "oviya.componentName" (dict "root" . "component" "postgresql") -}}
{{- else -}}
{{- fail "database.host is required when postgresql.enabled is false" -}}
{{- end -}}
{{- end -}}

{{/* Name of the Secret with the database password. */}}
{{- define "oviya.databaseSecretName" -}}
{{- if .Values.database.secretName -}}
{{- .Values.database.secretName -}}
{{- else if or .Values.postgresql.enabled .Values.externalSecrets.enabled -}}
{{- include "oviya.componentName" (dict "root" . "component" "db") -}}
{{- else -}}
{{- fail "database.secretName must name an existing Secret with the database password (or enable postgresql or externalSecrets)" -}}
{{- end -}}
{{- end -}}

{{/* REDIS_URL when it is not read from a Secret. */}}
{{- define "oviya.redisUrl" -}}
{{- if .Values.redis.url -}}
{{- .Values.redis.url -}}
{{- else if .Values.redisServer.enabled -}}
{{- printf "redis://%s:6379" (include "oviya.componentName" (dict "root" . "component" "redis")) -}}
{{- else -}}
{{- fail "redis.url or redis.secretName is required when redisServer.enabled is false" -}}
{{- end -}}
{{- end -}}

{{/* Environment of a service that uses its own database. Takes (dict "root" $ "svc" VALUES). Returns YAML of a map. */}}
{{- define "oviya.databaseEnv" -}}
DB_HOST: {{ include "oviya.databaseHost" .root | quote }}
DB_PORT: {{ .root.Values.database.port | toString | quote }}
DB_USER: {{ .svc.database.user | default .root.Values.database.user | quote }}
DB_NAME: {{ .svc.database.name | quote }}
{{- end -}}

{{/* Secret-backed env entries for the database password. */}}
{{- define "oviya.databaseSecretEnv" -}}
- name: DB_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "oviya.databaseSecretName" . }}
      key: {{ .Values.database.passwordKey }}
{{- end -}}

{{/* REDIS_URL: plain in the ConfigMap (returns a map) ... */}}
{{- define "oviya.redisEnv" -}}
{{- if not .Values.redis.secretName }}
REDIS_URL: {{ include "oviya.redisUrl" . | quote }}
{{- end }}
{{- end -}}

{{/* ... or from a Secret (returns env entries). */}}
{{- define "oviya.redisSecretEnv" -}}
{{- if .Values.redis.secretName }}
- name: REDIS_URL
  valueFrom:
    secretKeyRef:
      name: {{ .Values.redis.secretName }}
      key: {{ .Values.redis.urlKey }}
{{- end }}
{{- end -}}

{{/* gRPC address of another service as env, e.g. CHAT_GRPC_HOST/PORT. Takes (dict "root" $ "prefix" "CHAT" "component" "chat-service" "port" 8082). */}}
{{- define "oviya.grpcEnv" -}}
{{ .prefix }}_GRPC_HOST: {{ include "oviya.componentName" . | quote }}
{{ .prefix }}_GRPC_PORT: {{ .port | toString | quote }}
{{- end -}}
