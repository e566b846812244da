// Command backfill carries AppTable items written before open copies and
// quota counts existed into the current layout (appstore.Backfill): it
// writes the open copy of every open task that lacks one and recounts each
// owner's open tasks and goals. It is idempotent and resumable: a run that
// stops prints where to go on, and running it again changes nothing more.
//
//	go run ./cmd/backfill -table <AppTable name> [-resume <position>] [-pages N]
//
// It reads the SDK's own configuration (AWS_REGION, credentials,
// AWS_ENDPOINT_URL_DYNAMODB for DynamoDB Local).
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/lucian-app/phase12/shared/appstore"
	"github.com/lucian-app/phase12/shared/wiring"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "backfill:", err)
		os.Exit(1)
	}
}

func run() error {
	table := flag.String("table", os.Getenv(wiring.EnvAppTable), "AppTable's name (default $APP_TABLE)")
	resume := flag.String("resume", "", "the resume position a stopped run printed")
	pages := flag.Int("pages", 0, "stop after this many scan pages of up to 500 items (0: run to the end)")
	flag.Parse()
	if *table == "" {
		return fmt.Errorf("-table (or APP_TABLE) is required")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	cfg, err := wiring.AWSConfig(ctx)
	if err != nil {
		return err
	}
	db := dynamodb.NewFromConfig(cfg)
	rep, err := appstore.New(db, *table).Backfill(ctx, db, *resume, *pages)
	out, _ := json.Marshal(rep)
	fmt.Println(string(out))
	if err != nil {
		if rep.Resume != "" {
			fmt.Fprintf(os.Stderr, "go on with: -resume %q\n", rep.Resume)
		}
		return err
	}
	if rep.Resume != "" {
		fmt.Fprintf(os.Stderr, "stopped after %d pages; go on with: -resume %q\n", *pages, rep.Resume)
	}
	return nil
}
