{{/*
The objects every Oviya service has, shared by the five service templates.
Each takes a context dict:
  root       the top-level context ($)
  svc        the service's values block (e.g. .Values.chatService)
  component  the service name (e.g. "chat-service")
plus, where noted:
  env        map of plain environment variables (ConfigMap)
  secretEnv  YAML list text of env entries read from Secrets
  volumes, volumeMounts   YAML list text of extra volumes and mounts
  callers    components allowed to call this service
  callees    list of (dict "component" NAME "port" PORT) this service calls
  database, redis   whether the service talks to PostgreSQL / Redis
  extraDatabasePorts   more PostgreSQL ports to allow (e.g. a read replica's), same peers
  internetEgress    the service's internetEgress values, if it has any
*/}}

{{- define "oviya.serviceAccount" -}}
{{- if .svc.serviceAccount.create }}
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ include "oviya.serviceAccountName" . }}
  labels:
    {{- include "oviya.componentLabels" . | nindent 4 }}
  {{- with .svc.serviceAccount.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
# The services do not call the Kubernetes API.
automountServiceAccountToken: false
{{- end }}
{{- end -}}

{{/* Plain settings of a service, loaded with envFrom. */}}
{{- define "oviya.configMap" -}}
{{- $env := dict
    "QUARKUS_SHUTDOWN_TIMEOUT" (.svc.shutdownTimeout | toString)
    "HOME" "/tmp" -}}
{{- if eq .root.Values.image.flavor "jvm" -}}
{{- $_ := set $env "JAVA_TOOL_OPTIONS" .root.Values.defaults.javaToolOptions -}}
{{- end -}}
{{- $env = merge (deepCopy .svc.config) (deepCopy .root.Values.config.env) .env $env -}}
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ include "oviya.componentName" . }}
  labels:
    {{- include "oviya.componentLabels" . | nindent 4 }}
data:
  {{- range $k, $v := $env }}
  {{ $k }}: {{ $v | toString | quote }}
  {{- end }}
{{- end -}}

{{- define "oviya.deployment" -}}
{{- $root := .root -}}
{{- $svc := .svc -}}
{{- $defaults := $root.Values.defaults -}}
{{- $probes := mergeOverwrite (deepCopy $defaults.probes) (deepCopy ($svc.probes | default dict)) -}}
{{- $selector := include "oviya.selectorLabels" . -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "oviya.componentName" . }}
  labels:
    {{- include "oviya.componentLabels" . | nindent 4 }}
spec:
  {{- if not $svc.autoscaling.enabled }}
  replicas: {{ $svc.replicaCount }}
  {{- end }}
  revisionHistoryLimit: 5
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: 25%
      maxUnavailable: 0
  selector:
    matchLabels:
      {{- $selector | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "oviya.componentLabels" . | nindent 8 }}
        {{- with $svc.podLabels }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      annotations:
        # Roll the pods when their settings change.
        checksum/config: {{ include "oviya.configMap" . | sha256sum }}
        {{- with $svc.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      serviceAccountName: {{ include "oviya.serviceAccountName" . }}
      automountServiceAccountToken: false
      # Otherwise Kubernetes injects AUTH_SERVICE_PORT-style variables that clash with Quarkus config.
      enableServiceLinks: false
      terminationGracePeriodSeconds: {{ $svc.terminationGracePeriodSeconds }}
      {{- with $svc.priorityClassName }}
      priorityClassName: {{ . }}
      {{- end }}
      {{- with $root.Values.image.pullSecrets }}
      imagePullSecrets:
        {{- range . }}
        - name: {{ . }}
        {{- end }}
      {{- end }}
      securityContext:
        {{- toYaml $defaults.podSecurityContext | nindent 8 }}
      {{- if $defaults.topologySpread.enabled }}
      topologySpreadConstraints:
        - topologyKey: topology.kubernetes.io/zone
          maxSkew: {{ $defaults.topologySpread.zone.maxSkew }}
          whenUnsatisfiable: {{ $defaults.topologySpread.zone.whenUnsatisfiable }}
          labelSelector:
            matchLabels:
              {{- $selector | nindent 14 }}
          matchLabelKeys: [pod-template-hash]
        - topologyKey: kubernetes.io/hostname
          maxSkew: {{ $defaults.topologySpread.node.maxSkew }}
          whenUnsatisfiable: {{ $defaults.topologySpread.node.whenUnsatisfiable }}
          labelSelector:
            matchLabels:
              {{- $selector | nindent 14 }}
          matchLabelKeys: [pod-template-hash]
      {{- end }}
      containers:
        - name: {{ .component }}
          image: {{ include "oviya.image" . | quote }}
          imagePullPolicy: {{ $root.Values.image.pullPolicy }}
          ports:
            # HTTP (REST, health, metrics) and gRPC (h2c) share this port.
            - name: http
              containerPort: {{ $svc.port }}
              protocol: TCP
          envFrom:
            - configMapRef:
                name: {{ include "oviya.componentName" . }}
          {{- $secretEnv := .secretEnv | default "" | trim }}
          {{- if or $secretEnv $svc.extraEnv }}
          env:
            {{- with $secretEnv }}
            {{- . | nindent 12 }}
            {{- end }}
            {{- with $svc.extraEnv }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          {{- end }}
          startupProbe:
            httpGet: {path: {{ $probes.startup.path }}, port: http}
            periodSeconds: {{ $probes.startup.periodSeconds }}
            timeoutSeconds: {{ $probes.startup.timeoutSeconds }}
            failureThreshold: {{ $probes.startup.failureThreshold }}
          livenessProbe:
            httpGet: {path: {{ $probes.liveness.path }}, port: http}
            periodSeconds: {{ $probes.liveness.periodSeconds }}
            timeoutSeconds: {{ $probes.liveness.timeoutSeconds }}
            failureThreshold: {{ $probes.liveness.failureThreshold }}
          readinessProbe:
            httpGet: {path: {{ $probes.readiness.path }}, port: http}
            periodSeconds: {{ $probes.readiness.periodSeconds }}
            timeoutSeconds: {{ $probes.readiness.timeoutSeconds }}
            failureThreshold: {{ $probes.readiness.failureThreshold }}
          {{- if gt (int $defaults.preStopSleepSeconds) 0 }}
          lifecycle:
            preStop:
              sleep:
                seconds: {{ $defaults.preStopSleepSeconds }}
          {{- end }}
          resources:
            {{- toYaml $svc.resources | nindent 12 }}
          securityContext:
            {{- toYaml $defaults.securityContext | nindent 12 }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
            {{- with .volumeMounts }}
            {{- . | trim | nindent 12 }}
            {{- end }}
      volumes:
        - name: tmp
          emptyDir:
            sizeLimit: {{ $svc.tmpSizeLimit }}
        {{- with .volumes }}
        {{- . | trim | nindent 8 }}
        {{- end }}
      {{- with $svc.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $svc.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $svc.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
{{- end -}}

{{/* ClusterIP Service on the one HTTP + gRPC port. Optional: annotations (map). */}}
{{- define "oviya.service" -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "oviya.componentName" . }}
  labels:
    {{- include "oviya.componentLabels" . | nindent 4 }}
    # Picked up by the ServiceMonitor.
    oviya.app/metrics: "true"
  {{- with .annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  type: {{ .serviceType | default "ClusterIP" }}
  selector:
    {{- include "oviya.selectorLabels" . | nindent 4 }}
  ports:
    - name: http
      port: {{ .svc.port }}
      targetPort: http
      protocol: TCP
{{- end -}}

{{- define "oviya.hpa" -}}
{{- if .svc.autoscaling.enabled }}
{{- $a := .svc.autoscaling }}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ include "oviya.componentName" . }}
  labels:
    {{- include "oviya.componentLabels" . | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ include "oviya.componentName" . }}
  minReplicas: {{ $a.minReplicas }}
  maxReplicas: {{ $a.maxReplicas }}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ $a.targetCPUUtilizationPercentage }}
    {{- with $a.targetMemoryUtilizationPercentage }}
    - type: Resource
      resource:
        name: memory
        target:
          type: Utilization
          averageUtilization: {{ . }}
    {{- end }}
  behavior:
    {{- toYaml (mergeOverwrite (deepCopy .root.Values.defaults.autoscalingBehavior) (deepCopy ($a.behavior | default dict))) | nindent 4 }}
{{- end }}
{{- end -}}

{{- define "oviya.pdb" -}}
{{- if .svc.pdb.enabled }}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "oviya.componentName" . }}
  labels:
    {{- include "oviya.componentLabels" . | nindent 4 }}
spec:
  {{- if not (kindIs "invalid" .svc.pdb.minAvailable) }}
  minAvailable: {{ .svc.pdb.minAvailable }}
  {{- else if not (kindIs "invalid" .svc.pdb.maxUnavailable) }}
  maxUnavailable: {{ .svc.pdb.maxUnavailable }}
  {{- else }}
  {{- fail (printf "%s: pdb needs maxUnavailable or minAvailable" .component) }}
  {{- end }}
  # Pods that never became ready may be evicted even when the budget is spent.
  unhealthyPodEvictionPolicy: AlwaysAllow
  selector:
    matchLabels:
      {{- include "oviya.selectorLabels" . | nindent 6 }}
{{- end }}
{{- end -}}

{{/* Allow-list of one service, on top of the release's deny-all policy. */}}
{{- define "oviya.networkPolicy" -}}
{{- $root := .root -}}
{{- $np := $root.Values.networkPolicy -}}
{{- if $np.enabled }}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ include "oviya.componentName" . }}
  labels:
    {{- include "oviya.componentLabels" . | nindent 4 }}
spec:
  podSelector:
    matchLabels:
      {{- include "oviya.selectorLabels" . | nindent 6 }}
  policyTypes: [Ingress, Egress]
  ingress:
    {{- if or .callers .ingressFrom }}
    - from:
        {{- range .callers }}
        - podSelector:
            matchLabels:
              {{- include "oviya.selectorLabels" (dict "root" $root "component" .) | nindent 14 }}
        {{- end }}
        {{- with .ingressFrom }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      ports:
        - {port: {{ .svc.port }}, protocol: TCP}
    {{- end }}
    {{- with $np.metricsScrapers }}
    - from:
        {{- toYaml . | nindent 8 }}
      ports:
        - {port: {{ $.svc.port }}, protocol: TCP}
    {{- end }}
  egress:
    - ports:
        {{- range $np.dns.ports }}
        - {port: {{ . }}, protocol: UDP}
        - {port: {{ . }}, protocol: TCP}
        {{- end }}
    {{- range .callees }}
    - to:
        - podSelector:
            matchLabels:
              {{- include "oviya.selectorLabels" (dict "root" $root "component" .component) | nindent 14 }}
      ports:
        - {port: {{ .port }}, protocol: TCP}
    {{- end }}
    {{- if and .database $root.Values.database.egressTo }}
    - to:
        {{- toYaml $root.Values.database.egressTo | nindent 8 }}
      ports:
        - {port: {{ $root.Values.database.port }}, protocol: TCP}
        {{- range .extraDatabasePorts }}
        - {port: {{ . }}, protocol: TCP}
        {{- end }}
    {{- end }}
    {{- if and .redis $root.Values.redis.egressTo }}
    - to:
        {{- toYaml $root.Values.redis.egressTo | nindent 8 }}
      ports:
        {{- range $root.Values.redis.egressPorts }}
        - {port: {{ . }}, protocol: TCP}
        {{- end }}
    {{- end }}
    {{- if and .internetEgress .internetEgress.enabled }}
    - to:
        - ipBlock:
            cidr: 0.0.0.0/0
            {{- with .internetEgress.except }}
            except:
              {{- toYaml . | nindent 14 }}
            {{- end }}
      ports:
        - {port: 443, protocol: TCP}
    {{- end }}
{{- end }}
{{- end -}}

{{/*
All objects of one service. The service templates build the context and call this.
*/}}
{{- define "oviya.workload" -}}
{{- with (include "oviya.serviceAccount" . | trim) }}
---
{{ . }}
{{- end }}
---
{{ include "oviya.configMap" . }}
---
{{ include "oviya.deployment" . }}
---
{{ include "oviya.service" . }}
{{- with (include "oviya.hpa" . | trim) }}
---
{{ . }}
{{- end }}
{{- with (include "oviya.pdb" . | trim) }}
---
{{ . }}
{{- end }}
{{- with (include "oviya.networkPolicy" . | trim) }}
---
{{ . }}
{{- end }}
{{- end -}}
