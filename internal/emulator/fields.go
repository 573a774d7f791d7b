package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// field is one member of a fields= selection, such as children.limit(3){id,media_type}.
type field struct {
	Name   string
	Limit  int // from .limit(n); 0 when absent
	Sub    []field
	HasSub bool
}

// parseFields parses Graph field expansion syntax. An empty string gives no fields.
func parseFields(s string) ([]field, *graphError) {
	p := &fieldParser{src: s}
	fields, err := p.list()
	if err != nil {
		return nil, err
	}
	if p.pos < len(p.src) {
		return nil, p.syntaxError("Expected end of string")
	}
	return fields, nil
}

type fieldParser struct {
	src string
	pos int
}

func (p *fieldParser) syntaxError(expected string) *graphError {
	return &graphError{Code: 2500, Message: fmt.Sprintf(
		"Syntax error \"%s instead of %q.\" at character %d: %s", expected, p.rest(), p.pos, p.src)}
}

func (p *fieldParser) rest() string {
	if p.pos >= len(p.src) {
		return "end of string"
	}
	return p.src[p.pos : p.pos+1]
}

// list parses fields separated by commas, up to the end or a closing brace.
func (p *fieldParser) list() ([]field, *graphError) {
	var fields []field
	for p.pos < len(p.src) && p.src[p.pos] != '}' {
		f, err := p.field()
		if err != nil {
			return nil, err
		}
		if f.Name != "" {
			fields = append(fields, f)
		}
		if p.pos < len(p.src) && p.src[p.pos] == ',' {
			p.pos++
		}
	}
	return fields, nil
}

func (p *fieldParser) field() (field, *graphError) {
	var f field
	f.Name = p.name()
	for p.pos < len(p.src) && p.src[p.pos] == '.' {
		p.pos++
		if err := p.modifier(&f); err != nil {
			return f, err
		}
	}
	if p.pos < len(p.src) && p.src[p.pos] == '{' {
		p.pos++
		sub, err := p.list()
		if err != nil {
			return f, err
		}
		if p.pos >= len(p.src) || p.src[p.pos] != '}' {
			return f, p.syntaxError("Expected \"}\"")
		}
		p.pos++
		f.Sub, f.HasSub = sub, true
	}
	if p.pos < len(p.src) && !strings.ContainsRune(",}", rune(p.src[p.pos])) {
		return f, p.syntaxError("Expected \",\"")
	}
	return f, nil
}

func (p *fieldParser) name() string {
	start := p.pos
	for p.pos < len(p.src) && !strings.ContainsRune(",{}.()", rune(p.src[p.pos])) {
		p.pos++
	}
	return strings.TrimSpace(p.src[start:p.pos])
}

// modifier parses limit(n). Other modifiers such as after(...) are accepted and ignored.
func (p *fieldParser) modifier(f *field) *graphError {
	name := p.name()
	if p.pos >= len(p.src) || p.src[p.pos] != '(' {
		return p.syntaxError("Expected \"(\"")
	}
	end := strings.IndexByte(p.src[p.pos:], ')')
	if end < 0 {
		return p.syntaxError("Expected \")\"")
	}
	arg := p.src[p.pos+1 : p.pos+end]
	p.pos += end + 1
	if name == "limit" {
		n, err := strconv.Atoi(strings.TrimSpace(arg))
		if err != nil || n < 0 {
			return errParam("The limit modifier of %s must be a non-negative integer, not %q", f.Name, arg)
		}
		f.Limit = n
	}
	return nil
}

// formatFields writes a selection back in Graph syntax, such as "id,children.limit(2){id}".
func formatFields(fields []field) string {
	parts := make([]string, 0, len(fields))
	for _, f := range fields {
		s := f.Name
		if f.Limit > 0 {
			s += ".limit(" + strconv.Itoa(f.Limit) + ")"
		}
		if f.HasSub {
			s += "{" + formatFields(f.Sub) + "}"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ",")
}

// checkFields rejects names that the node type does not have.
func checkFields(fields []field, allowed map[string]bool, nodeType string) *graphError {
	for _, f := range fields {
		if !allowed[f.Name] {
			return errNoField(f.Name, nodeType)
		}
	}
	return nil
}

// object is a JSON object that keeps its members in insertion order, as Meta returns them in
// the order of the fields parameter.
type object struct {
	keys   []string
	values []any
}

func (o *object) set(key string, value any) {
	o.keys = append(o.keys, key)
	o.values = append(o.values, value)
}

// MarshalJSON writes the members in insertion order.
func (o *object) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range o.keys {
		if i > 0 {
			b.WriteByte(',')
		}
		if err := encodeJSON(&b, k); err != nil {
			return nil, fmt.Errorf("encode member name %q: %w", k, err)
		}
		b.WriteByte(':')
		if err := encodeJSON(&b, o.values[i]); err != nil {
			return nil, fmt.Errorf("encode member %s: %w", k, err)
		}
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// encodeJSON writes v without HTML escaping, so that links keep their & as Meta's do.
func encodeJSON(b *bytes.Buffer, v any) error {
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	b.Truncate(b.Len() - 1) // Encode appends a newline
	return nil
}
