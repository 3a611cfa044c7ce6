{{/*
Named templates shared by every manifest. The chart keeps to the template subset that
test/deploy/support/helm-template.ts renders (it fails on anything else): see docs/deploy.md.
*/}}

{{- define "farmhand.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "farmhand.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else if contains (include "farmhand.name" .) .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name (include "farmhand.name" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "farmhand.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "farmhand.selectorLabels" -}}
app.kubernetes.io/name: {{ include "farmhand.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "farmhand.labels" -}}
helm.sh/chart: {{ include "farmhand.chart" . }}
{{ include "farmhand.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "farmhand.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "farmhand.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* The one image of every role. */}}
{{- define "farmhand.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{/* The same build's inference-gpu target when the inference role runs on GPUs. */}}
{{- define "farmhand.inferenceImage" -}}
{{- if .Values.inference.gpu.enabled -}}
{{- printf "%s%s" (include "farmhand.image" .) .Values.inference.gpu.imageTagSuffix -}}
{{- else -}}
{{- include "farmhand.image" . -}}
{{- end -}}
{{- end -}}

{{- define "farmhand.secretName" -}}
{{- required "existingSecret is required: the name of a Secret with SECRET_KEY, DATABASE_URL and REDIS_URL" .Values.existingSecret -}}
{{- end -}}

{{/* Secrets come from the existing Secret by reference; settings from the chart's ConfigMap. */}}
{{- define "farmhand.env" -}}
- name: SECRET_KEY
  valueFrom:
    secretKeyRef:
      name: {{ include "farmhand.secretName" . }}
      key: SECRET_KEY
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ include "farmhand.secretName" . }}
      key: DATABASE_URL
- name: REDIS_URL
  valueFrom:
    secretKeyRef:
      name: {{ include "farmhand.secretName" . }}
      key: REDIS_URL
{{- end -}}

{{- define "farmhand.envFrom" -}}
- configMapRef:
    name: {{ include "farmhand.fullname" . }}
{{- end -}}

{{/* A settings change rolls the pods. */}}
{{- define "farmhand.podAnnotations" -}}
checksum/config: {{ toYaml .Values.config | sha256sum }}
{{- end -}}

{{- define "farmhand.podSpec" -}}
serviceAccountName: {{ include "farmhand.serviceAccountName" . }}
automountServiceAccountToken: false
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- end -}}

{{- define "farmhand.volumeMounts" -}}
- name: data
  mountPath: /data
- name: tmp
  mountPath: /tmp
{{- end -}}

{{- define "farmhand.volumes" -}}
- name: data
{{- if .Values.persistence.enabled }}
  persistentVolumeClaim:
    claimName: {{ default (printf "%s-data" (include "farmhand.fullname" .)) .Values.persistence.existingClaim }}
{{- else }}
  emptyDir: {}
{{- end }}
- name: tmp
  emptyDir: {}
{{- end -}}
