/**
 * The chart renderer (test/deploy/support/helm-template.ts) against what helm produces for the same templates, and
 * its refusals: anything outside the subset must fail, never render something helm would render differently.
 */
import { renderTemplate, TemplateError } from './support/helm-template';
import { validateManifest } from './support/kubernetes-schemas';

const root = {
  Values: {
    name: 'farm',
    empty: '',
    zero: 0,
    list: ['b', 'a'],
    map: { zeta: 1, alpha: 'x' },
    nested: { enabled: true, port: 9464, labels: { tier: 'api' } },
    off: 'off',
  },
  Release: { Name: 'rel', Namespace: 'ns' },
  Chart: { Name: 'farmhand', Version: '1.2.3', AppVersion: '4.5.6' },
};
const render = (source: string, partials: string[] = []) => renderTemplate(source, root, partials);

describe('helm template subset', () => {
  it('prints values and trims whitespace on the marked side only', () => {
    expect(render('a {{ .Values.name }} b')).toBe('a farm b');
    expect(render('a\n  {{- .Values.name }}\nb')).toBe('afarm\nb');
    expect(render('a\n{{ .Values.name -}}\n  b')).toBe('a\nfarmb');
    expect(render('x{{/* a comment */}}y{{- /* trimmed */ -}}\n z')).toBe('xyz');
  });

  it('prints a missing value as empty, like helm, but fails on a field of a missing value', () => {
    expect(render('[{{ .Values.missing }}]')).toBe('[]');
    expect(() => render('{{ .Values.missing.deeper }}')).toThrow(/nil pointer evaluating .*missing\.deeper/);
  });

  it('treats empty strings, zero, empty lists and maps as false', () => {
    const source = '{{ if .Values.empty }}1{{ else if .Values.zero }}2{{ else if .Values.list }}3{{ else }}4{{ end }}';
    expect(render(source)).toBe('3');
    expect(render('{{ if not .Values.empty }}yes{{ end }}')).toBe('yes');
    expect(render('{{ if and .Values.nested.enabled .Values.name }}both{{ end }}')).toBe('both');
    expect(render('{{ if or .Values.empty .Values.zero }}any{{ else }}none{{ end }}')).toBe('none');
    expect(render('{{ if ne .Values.name "farm" }}a{{ else }}b{{ end }}{{ if eq .Values.zero 1 0 }}c{{ end }}')).toBe(
      'bc',
    );
  });

  it('rebinds the dot in with and range, keeps $ as the root, and ranges over maps in key order', () => {
    expect(render('{{ with .Values.nested }}{{ .port }} {{ $.Release.Name }}{{ end }}')).toBe('9464 rel');
    expect(render('{{ with .Values.empty }}x{{ else }}fallback{{ end }}')).toBe('fallback');
    expect(render('{{ range .Values.list }}{{ . }},{{ end }}')).toBe('b,a,');
    expect(render('{{ range $key, $value := .Values.map }}{{ $key }}={{ $value }};{{ end }}')).toBe('alpha=x;zeta=1;');
    expect(render('{{ range $index, $item := .Values.list }}{{ $index }}{{ $item }}{{ end }}')).toBe('0b1a');
    expect(render('{{ range .Values.missing }}x{{ else }}none{{ end }}')).toBe('none');
    expect(render('{{ $port := .Values.nested.port }}{{ with .Values.name }}{{ $port }}{{ end }}')).toBe('9464');
  });

  it('implements the functions the chart uses as sprig does', () => {
    expect(render('{{ .Values.empty | default "d" }} {{ default "d" .Values.name }}')).toBe('d farm');
    expect(render('{{ .Values.name | quote }} {{ .Values.nested.port | quote }}')).toBe('"farm" "9464"');
    expect(render('{{ printf "%s-%s-%d" .Release.Name .Chart.Name .Values.nested.port }}')).toBe('rel-farmhand-9464');
    expect(render('{{ "abcdef-" | trunc 7 | trimSuffix "-" }}')).toBe('abcdef');
    expect(render('{{ "farm" | b64enc }}')).toBe('ZmFybQ==');
    expect(render('{{ if contains "farm" "my-farm" }}yes{{ end }}')).toBe('yes');
    expect(render('x:{{ "a\\nb" | indent 2 }}|{{ "c" | nindent 4 }}')).toBe('x:  a\n  b|\n    c');
    expect(render('{{ toYaml .Values.nested.labels }}')).toBe('tier: api');
    expect(render('{{ "abc" | sha256sum }}')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('quotes YAML 1.1 booleans in toYaml, as helm does, so Kubernetes reads a string', () => {
    const yaml = render('{{ toYaml .Values }}');
    expect(yaml).toContain('"off": "off"');
    // go-yaml sorts map keys.
    expect(yaml.indexOf('alpha: x')).toBeLessThan(yaml.indexOf('zeta: 1'));
  });

  it('renders named templates with include, with the given dot', () => {
    const partials = [
      '{{- define "x.name" -}}{{ .Chart.Name }}-{{ .Release.Name }}{{- end -}}',
      '{{- define "x.labels" -}}\ntier: {{ .tier }}\nroot: {{ $.tier }}\n{{- end -}}',
    ];
    expect(render('name: {{ include "x.name" . | quote }}', partials)).toBe('name: "farmhand-rel"');
    expect(render('labels:{{ include "x.labels" .Values.nested.labels | nindent 2 }}', partials)).toBe(
      'labels:\n  tier: api\n  root: api',
    );
  });

  it('fails on required values that are missing or empty, with the chart’s message', () => {
    expect(render('{{ required "name needed" .Values.name }}')).toBe('farm');
    expect(() => render('{{ required "empty needed" .Values.empty }}')).toThrow(/empty needed/);
  });

  it('fails loudly on anything outside the subset', () => {
    const refused: [string, RegExp][] = [
      ['{{ .Values.name | upper }}', /function "upper" is not supported/],
      ['{{ template "x" . }}', /"template" is not supported/],
      ['{{ block "x" . }}{{ end }}', /"block" is not supported/],
      ['{{ if .Values.name }}open', /unclosed/],
      ['{{ end }}', /"end" without a block/],
      ['{{ .Values.map }}', /cannot print a map/],
      ['{{ .Values.list }}', /cannot print a list/],
      ['{{ include "nope" . }}', /no template "nope"/],
      ['{{ .Values.name | quote "x" | trunc }}', /trunc takes 2 arguments/],
      ['{{ printf "%x" 1 }}', /verb %x is not supported/],
      ['{{ .Values.name | printf "%s %s" }}', /too few arguments/],
      ['{{ .Values.name "arg" }}', /not a function/],
      ['{{ $undefined }}', /undefined variable/],
      ['{{ .Values.name = 1 }}', /unsupported syntax/],
      ['{{ "a\nb" }}', /unsupported string literal/],
      ['{{-3}}', /must be followed by a space/],
      ['{{ range .Values.name }}x{{ end }}', /cannot range over a string/],
      ['{{ with $x := .Values.name }}{{ end }}', /declarations unsupported/],
      ['{{ eq .Values.map .Values.map }}', /scalars only/],
    ];
    for (const [source, message] of refused) {
      expect(() => render(source)).toThrow(TemplateError);
      expect(() => render(source)).toThrow(message);
    }
  });
});

describe('Kubernetes schema validation', () => {
  const deployment = (container: Record<string, unknown>) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'x' },
    spec: {
      selector: { matchLabels: { app: 'x' } },
      template: { metadata: { labels: { app: 'x' } }, spec: { containers: [container] } },
    },
  });

  it('accepts a valid manifest and refuses a wrongly typed one, naming the field', () => {
    expect(() => validateManifest(deployment({ name: 'c', image: 'i', ports: [{ containerPort: 80 }] }))).not.toThrow();
    expect(() => validateManifest(deployment({ name: 'c', image: 'i', ports: [{ containerPort: '80' }] }))).toThrow(
      /Deployment x: .*containerPort must be integer/,
    );
    expect(() => validateManifest(deployment({ image: 'i' }))).toThrow(/name/);
  });

  it('refuses a kind it has no schema for', () => {
    expect(() => validateManifest({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' } })).toThrow(
      /no schema known/,
    );
  });
});
