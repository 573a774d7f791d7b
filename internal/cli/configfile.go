package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"slices"
	"strings"

	"github.com/alecthomas/kong"

	"github.com/igsource/igsource/internal/config"
)

// configFile is the path of a JSON configuration file. Its BeforeResolve hook adds the file as a
// kong resolver, which fills the settings that no flag set. Kong consults resolvers after
// environment variables are applied, so fileResolver skips a setting whose variable is set,
// giving the order flag, environment, file, default.
type configFile string

// BeforeResolve loads the file named by the flag or IGSOURCE_CONFIG.
func (configFile) BeforeResolve(ctx *kong.Context, trace *kong.Path) error {
	path, _ := ctx.FlagValue(trace.Flag).(configFile)
	if path == "" {
		return nil
	}
	resolver, err := loadConfigFile(string(path))
	if err != nil {
		return err
	}
	ctx.AddResolver(resolver)
	if raw, ok := resolver.values["instances"]; ok {
		specs, err := decodeInstances(string(path), raw)
		if err != nil {
			return err
		}
		setInstances(ctx, specs)
	}
	return nil
}

// decodeInstances decodes the file's "instances" list, rejecting unknown members.
func decodeInstances(path string, raw any) ([]config.InstanceSpec, error) {
	data, err := json.Marshal(raw)
	if err != nil {
		return nil, fmt.Errorf("configuration file %s: instances: %w", path, err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var specs []config.InstanceSpec
	if err := dec.Decode(&specs); err != nil {
		return nil, fmt.Errorf("configuration file %s: instances must be a list of {\"name\", \"account\", \"page\", \"cache\"}: %w", path, err)
	}
	return specs, nil
}

// setInstances stores specs in the config.Config of every command on the parsed path. Kong
// does not manage the field, so the file is its only source.
func setInstances(ctx *kong.Context, specs []config.InstanceSpec) {
	configType := reflect.TypeFor[config.Config]()
	for _, path := range ctx.Path {
		node := path.Node()
		if node == nil || node.Target.Kind() != reflect.Struct {
			continue
		}
		for i := range node.Target.NumField() {
			if node.Target.Type().Field(i).Type == configType {
				node.Target.Field(i).Addr().Interface().(*config.Config).Instances = specs
			}
		}
	}
}

type fileResolver struct {
	path   string
	values map[string]any
}

func loadConfigFile(path string) (*fileResolver, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read configuration file (--config, IGSOURCE_CONFIG): %w", err)
	}
	values := map[string]any{}
	if err := json.Unmarshal(data, &values); err != nil {
		return nil, fmt.Errorf("configuration file %s is not a JSON object: %w", path, err)
	}
	return &fileResolver{path: path, values: values}, nil
}

// Validate rejects keys that name no setting, so a misspelt key fails loudly instead of being
// ignored.
func (r *fileResolver) Validate(*kong.Application) error {
	known := settingKeys()
	var unknown []string
	for key := range r.values {
		if !slices.Contains(known, key) {
			unknown = append(unknown, fmt.Sprintf("%q", key))
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	slices.Sort(unknown)
	return fmt.Errorf("configuration file %s has unknown keys %s: the keys are those that `igsource config --format json` prints",
		r.path, strings.Join(unknown, ", "))
}

// Resolve returns the file's value for a setting flag, or nil when the file has none or an
// environment variable already set it.
func (r *fileResolver) Resolve(_ *kong.Context, _ *kong.Path, flag *kong.Flag) (any, error) {
	if flag.Group == nil || flag.Group.Key != settingsGroup {
		return nil, nil
	}
	for _, env := range flag.Envs {
		if _, set := os.LookupEnv(env); set {
			return nil, nil
		}
	}
	value, ok := r.values[strings.ReplaceAll(flag.Name, "-", "_")]
	if !ok || value == nil {
		return nil, nil
	}
	return value, nil
}

// settingKeys lists the configuration file keys: the json names of config.Config's fields,
// which equal the flag names with underscores.
func settingKeys() []string {
	t := reflect.TypeFor[config.Config]()
	keys := make([]string, 0, t.NumField())
	for i := range t.NumField() {
		key, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		keys = append(keys, key)
	}
	return keys
}
