// vmr-sdk-gen binds a Pulumi package schema and generates its SDKs with the code generators of
// the Pulumi CLI's own Go packages (pkg/v3/codegen), for the languages whose language hosts cannot
// be built here. Used by test/e2e/plugin-sdks.test.ts to check that schema.json makes valid SDKs.
//
//	vmr-sdk-gen <schema.json> <out dir> <language>...   (languages: nodejs, python, go)
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/blang/semver"

	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	"github.com/pulumi/pulumi/pkg/v3/codegen/nodejs"
	"github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

const tool = "vmr-sdk-gen"

// noOtherPackages is the loader of a package that references no other package: the vmr schema
// uses only its own types and the built-in pulumi.json ones.
type noOtherPackages struct{}

func (noOtherPackages) LoadPackage(pkg string, _ *semver.Version) (*schema.Package, error) {
	return nil, fmt.Errorf("the schema may not reference package %q", pkg)
}

func (l noOtherPackages) LoadPackageV2(_ context.Context, d *schema.PackageDescriptor) (*schema.Package, error) {
	return l.LoadPackage(d.Name, nil)
}

func (noOtherPackages) LoadPackageReference(pkg string, _ *semver.Version) (schema.PackageReference, error) {
	return nil, fmt.Errorf("the schema may not reference package %q", pkg)
}

func (l noOtherPackages) LoadPackageReferenceV2(_ context.Context, d *schema.PackageDescriptor) (schema.PackageReference, error) {
	return l.LoadPackageReference(d.Name, nil)
}

func generate(pkg *schema.Package, language string) (map[string][]byte, error) {
	switch language {
	case "nodejs":
		return nodejs.GeneratePackage(tool, pkg, nil, nil, true, noOtherPackages{})
	case "python":
		return python.GeneratePackage(tool, pkg, nil, noOtherPackages{})
	case "go":
		return gogen.GeneratePackage(tool, pkg, nil)
	}
	return nil, fmt.Errorf("unknown language %q (nodejs, python, go)", language)
}

func run(args []string) error {
	if len(args) < 3 {
		return fmt.Errorf("usage: vmr-sdk-gen <schema.json> <out dir> <language>...")
	}
	text, err := os.ReadFile(args[0])
	if err != nil {
		return err
	}
	var spec schema.PackageSpec
	if err := json.Unmarshal(text, &spec); err != nil {
		return fmt.Errorf("%s: %w", args[0], err)
	}
	pkg, diags, err := schema.BindSpec(spec, noOtherPackages{}, schema.ValidationOptions{})
	if err != nil {
		return err
	}
	if diags.HasErrors() {
		return fmt.Errorf("binding %s: %s", args[0], diags.Error())
	}
	for _, language := range args[2:] {
		files, err := generate(pkg, language)
		if err != nil {
			return fmt.Errorf("%s SDK: %w", language, err)
		}
		for name, data := range files {
			path := filepath.Join(args[1], language, name)
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				return err
			}
			if err := os.WriteFile(path, data, 0o644); err != nil {
				return err
			}
		}
		fmt.Printf("%s: %d files\n", language, len(files))
	}
	return nil
}

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "vmr-sdk-gen:", err)
		os.Exit(1)
	}
}
