package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/igsource/igsource/internal/testutil"
)

// parse parses args into a fresh command tree without running the command.
func parse(t *testing.T, args ...string) (*root, error) {
	t.Helper()
	cli := newRoot()
	var out bytes.Buffer
	parser, err := newParser(t.Context(), cli, &streams{stdin: strings.NewReader(""), stdout: &out, stderr: &out})
	if err != nil {
		t.Fatalf("newParser() = %v", err)
	}
	_, err = parser.Parse(args)
	return cli, err
}

// runCLI runs args and returns the exit status, standard output and standard error. The
// buffers are safe for concurrent use because a media download goroutine may still log after
// the command returned.
func runCLI(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr testutil.SyncBuffer
	status := run(t.Context(), args, &streams{stdin: strings.NewReader(stdin), stdout: &stdout, stderr: &stderr})
	return status, stdout.String(), stderr.String()
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestSettingPrecedence(t *testing.T) {
	file := writeFile(t, "igsource.json", `{"listen": "127.0.0.1:1003", "media_downloads": 7}`)
	tests := []struct {
		name          string
		args          []string
		env           map[string]string
		wantListen    string
		wantDownloads int
	}{
		{"default", nil, nil, "127.0.0.1:8080", 4},
		{"file over default", []string{"--config", file}, nil, "127.0.0.1:1003", 7},
		{"file named by environment", nil, map[string]string{"IGSOURCE_CONFIG": file}, "127.0.0.1:1003", 7},
		{"environment over file", []string{"--config", file}, map[string]string{"IGSOURCE_LISTEN": "127.0.0.1:1002"}, "127.0.0.1:1002", 7},
		{"environment over default", nil, map[string]string{"IGSOURCE_MEDIA_DOWNLOADS": "9"}, "127.0.0.1:8080", 9},
		{"flag over environment and file", []string{"--config", file, "--listen", "127.0.0.1:1001"},
			map[string]string{"IGSOURCE_LISTEN": "127.0.0.1:1002"}, "127.0.0.1:1001", 7},
		{"flag over file", []string{"--config", file, "--media-downloads", "2"}, nil, "127.0.0.1:1003", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			cli, err := parse(t, append([]string{"config"}, tt.args...)...)
			if err != nil {
				t.Fatalf("Parse() = %v", err)
			}
			if got := cli.Config.Listen; got != tt.wantListen {
				t.Errorf("Listen = %q, want %q", got, tt.wantListen)
			}
			if got := cli.Config.MediaDownloads; got != tt.wantDownloads {
				t.Errorf("MediaDownloads = %d, want %d", got, tt.wantDownloads)
			}
		})
	}
}

func TestConfigFileValueTypes(t *testing.T) {
	file := writeFile(t, "igsource.json", `{
		"cors_origins": ["https://a.example", "https://b.example"],
		"media_timeout": "90s",
		"introspection": false,
		"media_max_image_bytes": 1048576
	}`)
	cli, err := parse(t, "config", "--config", file)
	if err != nil {
		t.Fatalf("Parse() = %v", err)
	}
	c := cli.Config.Config
	if got := strings.Join(c.CORSOrigins, " "); got != "https://a.example https://b.example" {
		t.Errorf("CORSOrigins = %q", got)
	}
	if got := c.MediaTimeout.String(); got != "1m30s" {
		t.Errorf("MediaTimeout = %s, want 1m30s", got)
	}
	if c.Introspection {
		t.Error("Introspection = true, want false from the file")
	}
	if c.MediaMaxImageBytes != 1<<20 {
		t.Errorf("MediaMaxImageBytes = %d, want %d", c.MediaMaxImageBytes, 1<<20)
	}
}

func TestInvalidSettingsNameTheFlag(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		file string
		want string
	}{
		{"flag not a number", []string{"--media-downloads", "many"}, nil, "", "--media-downloads"},
		{"environment not a number", nil, map[string]string{"IGSOURCE_MEDIA_DOWNLOADS": "many"}, "", "--media-downloads"},
		{"file not a number", nil, nil, `{"media_downloads": "many"}`, "--media-downloads"},
		{"log level outside enum", []string{"--log-level", "loud"}, nil, "", "--log-level"},
		{"bad duration", []string{"--media-timeout", "soon"}, nil, "", "--media-timeout"},
		{"unknown file key", nil, nil, `{"listen_address": "127.0.0.1:1"}`, `"listen_address"`},
		{"file not JSON", nil, nil, `listen: 127.0.0.1:1`, "not a JSON object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			args := append([]string{"config"}, tt.args...)
			if tt.file != "" {
				args = append(args, "--config", writeFile(t, "igsource.json", tt.file))
			}
			_, err := parse(t, args...)
			if err == nil {
				t.Fatal("Parse() = nil, want an error")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Parse() = %q, want it to name %s", err, tt.want)
			}
		})
	}
}

func TestConfigFileMissing(t *testing.T) {
	status, _, stderr := runCLI(t, "", "config", "--config", filepath.Join(t.TempDir(), "absent.json"))
	if status != exitUsage {
		t.Errorf("status = %d, want %d", status, exitUsage)
	}
	if !strings.Contains(stderr, "absent.json") {
		t.Errorf("stderr = %q, want it to name the file", stderr)
	}
}

func TestConfigCommandRedactsSecrets(t *testing.T) {
	const secret = "Zm9vYmFyYmF6cXV4cXV1eGZvb2JhcmJhenF1eHF1dXg=" // base64 of 32 bytes
	t.Setenv("IGSOURCE_ADMIN_PASSWORD", "admin-password-known-value")
	file := writeFile(t, "igsource.json", `{"facebook_app_id": "42", "facebook_app_secret": "facebook-secret-known-value"}`)
	status, stdout, stderr := runCLI(t, "", "config", "--config", file,
		"--encryption-key", secret, "--api-key", "api-key-known-value",
		"--instagram-app-id", "7", "--instagram-app-secret", "instagram-secret-known-value")
	if status != exitOK {
		t.Fatalf("status = %d, stderr = %q", status, stderr)
	}
	for _, value := range []string{secret, "admin-password-known-value", "facebook-secret-known-value",
		"api-key-known-value", "instagram-secret-known-value"} {
		if strings.Contains(stdout+stderr, value) {
			t.Errorf("config output contains the secret %q", value)
		}
	}
	if got := strings.Count(stdout, `"[redacted]"`); got != 5 {
		t.Errorf("config output has %d redacted values, want 5:\n%s", got, stdout)
	}
	if !strings.Contains(stdout, `"facebook_app_id": "42"`) {
		t.Errorf("config output lacks the app id from the file:\n%s", stdout)
	}
}

func TestConfigOutputRedactedSecretRejected(t *testing.T) {
	status, printed, stderr := runCLI(t, "", "config", "--api-key", "api-key-known-value")
	if status != exitOK {
		t.Fatalf("config: status = %d, stderr = %q", status, stderr)
	}
	file := writeFile(t, "igsource.json", printed)

	status, stdout, stderr := runCLI(t, "", "config", "--config", file)
	if status != exitUsage {
		t.Errorf("status = %d, want %d", status, exitUsage)
	}
	if stdout != "" {
		t.Errorf("stdout = %q, want nothing for a redacted secret", stdout)
	}
	want := `--api-key (IGSOURCE_API_KEY) is "[redacted]"`
	if !strings.Contains(stderr, want) {
		t.Errorf("stderr = %q, want it to contain %q", stderr, want)
	}
	if !strings.Contains(stderr, "fill in the value, or remove the \"api_key\" key") {
		t.Errorf("stderr = %q, want it to say how to fix the file", stderr)
	}
}

func TestConfigOutputSecretFromEnvironment(t *testing.T) {
	status, printed, stderr := runCLI(t, "", "config", "--api-key", "api-key-known-value")
	if status != exitOK {
		t.Fatalf("config: status = %d, stderr = %q", status, stderr)
	}
	file := writeFile(t, "igsource.json", printed)
	t.Setenv("IGSOURCE_API_KEY", "api-key-from-environment")

	cli, err := parse(t, "config", "--config", file)
	if err != nil {
		t.Fatalf("Parse() = %v, want the environment to replace the redacted key", err)
	}
	if got := cli.Config.APIKey; got != "api-key-from-environment" {
		t.Errorf("APIKey = %q, want the environment's value", got)
	}
}

func TestConfigCommandYAML(t *testing.T) {
	status, stdout, stderr := runCLI(t, "", "config", "--format", "yaml", "--data", "/srv/ig")
	if status != exitOK {
		t.Fatalf("status = %d, stderr = %q", status, stderr)
	}
	for _, line := range []string{"data: /srv/ig", "database: /srv/ig/igsource.db", "public_url: http://127.0.0.1:8080"} {
		if !strings.Contains(stdout, line+"\n") {
			t.Errorf("config output lacks %q:\n%s", line, stdout)
		}
	}
}

func TestConfigCommandReportsInvalid(t *testing.T) {
	status, stdout, stderr := runCLI(t, "", "config", "--listen", "nowhere")
	if status != exitUsage {
		t.Errorf("status = %d, want %d", status, exitUsage)
	}
	if stdout != "" {
		t.Errorf("stdout = %q, want nothing for an invalid configuration", stdout)
	}
	if !strings.Contains(stderr, "--listen (IGSOURCE_LISTEN)") {
		t.Errorf("stderr = %q, want it to name --listen", stderr)
	}
}

func TestVersionCommand(t *testing.T) {
	oldVersion, oldCommit := version, commit
	version, commit = "1.2.3", "abc1234"
	t.Cleanup(func() { version, commit = oldVersion, oldCommit })

	status, stdout, _ := runCLI(t, "", "version")
	if status != exitOK {
		t.Fatalf("status = %d", status)
	}
	want := "igsource 1.2.3\ncommit abc1234\n" + runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH + "\n"
	if stdout != want {
		t.Errorf("version output = %q, want %q", stdout, want)
	}
}

func TestUnknownCommand(t *testing.T) {
	status, _, stderr := runCLI(t, "", "frobnicate")
	if status != exitUsage {
		t.Errorf("status = %d, want %d", status, exitUsage)
	}
	if !strings.Contains(stderr, "frobnicate") {
		t.Errorf("stderr = %q, want it to name the command", stderr)
	}
}

func TestHelpExitsZero(t *testing.T) {
	status, stdout, _ := runCLI(t, "", "--help")
	if status != exitOK {
		t.Errorf("status = %d, want %d", status, exitOK)
	}
	if !strings.Contains(stdout, "Usage: igsource") {
		t.Errorf("help output = %q", stdout)
	}
}
