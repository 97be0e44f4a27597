# Newsflow: one Makefile for the whole workspace. Targets loop over the
# modules listed in go.work; there is no root module.

MODULES  := pkg services/fetcher services/enricher services/indexer e2e
# deploy/validate is a module too, but its Kubernetes dependencies are heavy: it
# runs in `make validate`, not in every `make test`.
ALL_MODULES := $(MODULES) deploy/validate
SERVICES := fetcher enricher indexer
GO       ?= go
KAFKA    := deploy/local/kafka.sh
EVAL_DIR ?= $(CURDIR)/../shared/data/eval

.PHONY: all build run demo test test-short test-integration validate bench bench-e2e eval eval-incidents generate vet tidy check-modules clean

all: build

## build: compile bin/fetcher, bin/enricher, bin/indexer (and the local helpers)
build:
	@mkdir -p bin
	$(GO) build -o bin/ ./services/fetcher ./services/enricher ./services/indexer
	$(GO) build -o bin/ ./pkg/cmd/devkafka ./e2e/cmd/demofeeds

## run: the whole pipeline on the embedded broker and SQLite, polling the default feed list
run: build
	deploy/local/run.sh run

## demo: the same, polling the bundled sample feeds served locally (works offline)
demo: build
	deploy/local/run.sh demo

## test: every module's tests with the race detector, including the end-to-end test
test:
	@set -e; for m in $(MODULES); do \
		echo "== go test $$m"; \
		(cd $$m && $(GO) test -race -count=1 -shuffle=on ./...); \
	done

## test-integration: every module's integration tests against a real Kafka 4.x broker
## (deploy/local/kafka.sh), started here and stopped afterwards unless it was already running
test-integration:
	@if $(KAFKA) status >/dev/null 2>&1; then keep=1; else keep=0; fi; \
	trap '[ $$keep = 1 ] || $(KAFKA) stop' EXIT; trap 'exit 130' INT TERM; \
	$(KAFKA) start || exit 1; \
	set -a; eval "$$($(KAFKA) env)"; set +a; \
	status=0; for m in $(MODULES); do \
		echo "== go test -run Integration $$m"; \
		(cd $$m && $(GO) test -race -count=1 -timeout 30m -run Integration ./...) || status=1; \
	done; exit $$status

## test-short: the unit tests only (skips the end-to-end test)
test-short:
	@set -e; for m in $(MODULES); do (cd $$m && $(GO) test -short -count=1 ./...); done

## validate: offline checks of deploy/: every overlay renders and its objects pass the real
## CRD schemas (../shared/crds, or CRD_DIR) and built-in types; Dockerfiles match go.work
validate:
	cd deploy/validate && $(GO) test -count=1 ./...

## check-modules: every module builds and vets on its own, without the workspace
check-modules:
	@set -e; for m in $(ALL_MODULES); do \
		echo "== GOWORK=off $$m"; \
		(cd $$m && GOWORK=off $(GO) build ./... && GOWORK=off $(GO) vet ./...); \
	done

## vet: go vet in every module
vet:
	@set -e; for m in $(MODULES); do (cd $$m && $(GO) vet ./...); done

## tidy: go mod tidy in every module, then sync the workspace
tidy:
	@set -e; for m in $(ALL_MODULES); do (cd $$m && GOWORK=off $(GO) mod tidy); done
	$(GO) work sync

## generate: rebuild the enricher's embedded gazetteer from ../shared/data/geonames
generate:
	cd services/enricher && $(GO) generate ./...

## eval: score the enricher on the evaluation data in ../shared/data/eval, then the incident clustering
eval: eval-incidents
	cd services/enricher && $(GO) run ./cmd/eval -data $(EVAL_DIR)

## eval-incidents: every UCDP headline as an article, through `enricher extract` and `indexer cluster`,
## scored for pairwise same-incident precision and recall and for each incident's killed estimate
UCDP_DEV := $(EVAL_DIR)/casualty/ucdp_ged_pak.dev.jsonl
EVAL_TMP := $(CURDIR)/var/eval
eval-incidents: build
	@mkdir -p $(EVAL_TMP)
	cd services/indexer && $(GO) run ./cmd/clustereval prep -gold $(UCDP_DEV) > $(EVAL_TMP)/ucdp_heads.jsonl
	bin/enricher extract < $(EVAL_TMP)/ucdp_heads.jsonl > $(EVAL_TMP)/ucdp_enriched.jsonl
	bin/indexer cluster -incidents $(EVAL_TMP)/ucdp_incidents.jsonl < $(EVAL_TMP)/ucdp_enriched.jsonl > $(EVAL_TMP)/ucdp_clusters.jsonl
	cd services/indexer && $(GO) run ./cmd/clustereval score -gold $(UCDP_DEV) -clusters $(EVAL_TMP)/ucdp_clusters.jsonl -incidents $(EVAL_TMP)/ucdp_incidents.jsonl
	@echo "what any clusterer can reach on these extractions:"
	cd services/indexer && $(GO) run ./cmd/clustereval ceiling -gold $(UCDP_DEV) -enriched $(EVAL_TMP)/ucdp_enriched.jsonl

## bench: the Go benchmarks (results are recorded in BENCHMARKS.md)
bench:
	@set -e; for m in $(MODULES); do (cd $$m && $(GO) test -run '^$$' -bench . -benchmem ./...); done

## bench-e2e: end-to-end throughput, latency and memory of the whole pipeline (embedded broker
## and SQLite; also real Kafka and PostgreSQL when KAFKA_BROKERS and POSTGRES_DSN are set)
bench-e2e: build
	deploy/local/bench-e2e.sh

clean:
	rm -rf bin var
