package cli

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/igsource/igsource/internal/config"
)

func TestConfigFileInstancesParsed(t *testing.T) {
	file := writeFile(t, "igsource.json", `{"instances": [
		{"name": "blog", "account": "creator", "cache": 60},
		{"name": "shop", "account": "business", "page": "100000000000001"}
	]}`)
	cli, err := parse(t, "serve", "--config", file)
	if err != nil {
		t.Fatalf("Parse() = %v", err)
	}
	want := []config.InstanceSpec{
		{Name: "blog", Account: "creator", Cache: 60},
		{Name: "shop", Account: "business", Page: "100000000000001"},
	}
	if diff := cmp.Diff(want, cli.Serve.Instances); diff != "" {
		t.Errorf("declared instances (-want +got):\n%s", diff)
	}
}

func TestConfigFileInstancesRejected(t *testing.T) {
	tests := []struct {
		name string
		file string
		want string
	}{
		{"unknown member", `{"instances": [{"name": "blog", "acount": "creator"}]}`, `unknown field "acount"`},
		{"not a list", `{"instances": {"name": "blog"}}`, "instances must be a list"},
		{"missing account", `{"instances": [{"name": "blog"}]}`, `instance "blog" in the configuration file has no account`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parse(t, "serve", "--config", writeFile(t, "igsource.json", tt.file))
			if err == nil {
				t.Fatal("Parse() = nil, want an error")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Parse() = %q, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestServeCreatesDeclaredInstances(t *testing.T) {
	t.Parallel()
	f := newQueryFixture(t)
	file := writeFile(t, "igsource.json", `{"instances": [
		{"name": "site", "account": "igsource.demo", "cache": 120},
		{"name": "creator", "account": "igsource.demo", "cache": 30},
		{"name": "later", "account": "not.connected"}
	]}`)
	_, stderr, stop := startCommand(t, "Server started", "serve", "--config", file, "--listen", "127.0.0.1:0",
		"--data", f.dir, "--emulator-url", f.emulatorURL, "--log-format", "json")
	if status := stop(); status != exitOK {
		t.Fatalf("serve exit status = %d; stderr:\n%s", status, stderr.String())
	}
	if !strings.Contains(stderr.String(), "Declared instance skipped") {
		t.Errorf("serve log lacks the warning for the unconnected account:\n%s", stderr.String())
	}

	got := map[string]int{}
	for _, in := range listInstances(t, f.dir) {
		got[in.Name] = in.CacheSeconds
	}
	want := map[string]int{"site": 120, "creator": 30, "bakery": 3600}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("instances and cache times after serve (-want +got):\n%s", diff)
	}
}

func TestConfigCommandPrintsInstances(t *testing.T) {
	file := writeFile(t, "igsource.json", `{"instances": [{"name": "blog", "account": "creator"}]}`)
	status, stdout, stderr := runCLI(t, "", "config", "--config", file)
	if status != exitOK {
		t.Fatalf("status %d, stderr %q", status, stderr)
	}
	if !strings.Contains(stdout, `"instances": [{"name":"blog","account":"creator"}]`) {
		t.Errorf("config output lacks the declared instance:\n%s", stdout)
	}
}
