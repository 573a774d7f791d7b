package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
)

// Redacted replaces the value of a secret setting that is set. An unset secret prints as an
// empty string, so the output still shows which secrets are missing.
const Redacted = "[redacted]"

// Setting is one configuration key with a printable value.
type Setting struct {
	Key   string
	Value any
}

// Settings returns every setting in declaration order, keyed by its configuration file key,
// with secrets replaced by Redacted and durations written as Go duration strings ("168h0m0s")
// that the configuration file accepts back.
func (c *Config) Settings() []Setting {
	v := reflect.ValueOf(c).Elem()
	t := v.Type()
	settings := make([]Setting, 0, t.NumField())
	for i := range t.NumField() {
		field := t.Field(i)
		key, _, _ := strings.Cut(field.Tag.Get("json"), ",")
		if key == "" || key == "-" {
			continue
		}
		settings = append(settings, Setting{Key: key, Value: printable(field, v.Field(i))})
	}
	return settings
}

func printable(field reflect.StructField, value reflect.Value) any {
	if _, secret := field.Tag.Lookup("secret"); secret {
		if value.IsZero() {
			return ""
		}
		return Redacted
	}
	switch x := value.Interface().(type) {
	case time.Duration:
		return x.String()
	case []string:
		if x == nil {
			return []string{}
		}
		return x
	case []InstanceSpec:
		if x == nil {
			return []InstanceSpec{}
		}
		return x
	default:
		return x
	}
}

// Write prints the redacted settings to w as "json" or "yaml". The JSON form is a valid
// configuration file once the redacted secrets are filled in or removed.
func (c *Config) Write(w io.Writer, format string) error {
	var out []byte
	var err error
	switch format {
	case "json":
		out, err = settingsJSON(c.Settings())
	case "yaml":
		out, err = settingsYAML(c.Settings())
	default:
		return fmt.Errorf("unknown configuration format %q: use json or yaml", format)
	}
	if err != nil {
		return err
	}
	_, err = w.Write(out)
	return err
}

// settingsJSON writes an object in declaration order; encoding/json sorts map keys, which would
// scatter related settings.
func settingsJSON(settings []Setting) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString("{\n")
	for i, s := range settings {
		value, err := json.Marshal(s.Value)
		if err != nil {
			return nil, fmt.Errorf("encode setting %s: %w", s.Key, err)
		}
		fmt.Fprintf(&buf, "  %q: %s", s.Key, value)
		if i < len(settings)-1 {
			buf.WriteByte(',')
		}
		buf.WriteByte('\n')
	}
	buf.WriteString("}\n")
	return buf.Bytes(), nil
}

func settingsYAML(settings []Setting) ([]byte, error) {
	doc := make(yaml.MapSlice, len(settings))
	for i, s := range settings {
		doc[i] = yaml.MapItem{Key: s.Key, Value: s.Value}
	}
	out, err := yaml.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("encode settings as YAML: %w", err)
	}
	return out, nil
}
