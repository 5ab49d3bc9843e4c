// compose-check loads a Compose file with compose-go, the loader Docker
// Compose itself uses: schema validation, interpolation from an env file,
// profiles, merging of YAML anchors, and the consistency checks (depends_on,
// networks, volumes). It prints the resolved project as JSON on stdout, or
// the loader's error on stderr with exit code 1.
//
//	go run . -f compose.yaml --env-file .env.example [--env KEY=VALUE]... [--profile P]...
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/compose-spec/compose-go/v2/cli"
)

type list []string

func (l *list) String() string     { return strings.Join(*l, ",") }
func (l *list) Set(v string) error { *l = append(*l, v); return nil }

func main() {
	var file, envFile string
	var profiles, env list
	flag.StringVar(&file, "f", "compose.yaml", "Compose file")
	flag.StringVar(&envFile, "env-file", "", "env file for interpolation (like docker compose --env-file)")
	flag.Var(&profiles, "profile", "profile to enable (repeatable)")
	flag.Var(&env, "env", "KEY=VALUE set for interpolation, over the env file (repeatable)")
	flag.Parse()

	opts := []cli.ProjectOptionsFn{
		cli.WithName("userstream"),
		cli.WithResolvedPaths(false),
		cli.WithConsistency(true),
		cli.WithNormalization(true),
		cli.WithInterpolation(true),
	}
	if envFile != "" {
		opts = append(opts, cli.WithEnvFiles(envFile), cli.WithDotEnv)
	}
	// Explicit values win over the env file (WithEnv keeps what is set first).
	opts = append([]cli.ProjectOptionsFn{cli.WithEnv(env)}, opts...)
	if len(profiles) > 0 {
		opts = append(opts, cli.WithProfiles(profiles))
	}
	options, err := cli.NewProjectOptions([]string{file}, opts...)
	if err != nil {
		fail(err)
	}
	project, err := options.LoadProject(context.Background())
	if err != nil {
		fail(err)
	}
	out, err := project.MarshalJSON()
	if err != nil {
		fail(err)
	}
	os.Stdout.Write(out)
	os.Stdout.Write([]byte("\n"))
}

func fail(err error) {
	fmt.Fprintf(os.Stderr, "compose-check: %v\n", err)
	os.Exit(1)
}
