package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestLoggerFormats(t *testing.T) {
	tests := []struct {
		name     string
		format   string
		wantJSON bool
	}{
		{"auto off a terminal", "auto", true},
		{"json", "json", true},
		{"text", "text", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out strings.Builder
			newLogger(&out, "info", tt.format).Info("Server started", "address", "127.0.0.1:1")
			var entry map[string]any
			gotJSON := json.Unmarshal([]byte(out.String()), &entry) == nil
			if gotJSON != tt.wantJSON {
				t.Errorf("format %s wrote %q; JSON = %v, want %v", tt.format, out.String(), gotJSON, tt.wantJSON)
			}
			if !strings.Contains(out.String(), "Server started") {
				t.Errorf("format %s lost the message: %q", tt.format, out.String())
			}
		})
	}
}

func TestLoggerLevel(t *testing.T) {
	var out strings.Builder
	logger := newLogger(&out, "warn", "text")
	logger.Info("Hidden")
	logger.Warn("Shown")
	if strings.Contains(out.String(), "Hidden") {
		t.Errorf("level warn logged an info message: %q", out.String())
	}
	if !strings.Contains(out.String(), "Shown") {
		t.Errorf("level warn dropped a warning: %q", out.String())
	}
}
