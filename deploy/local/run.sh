#!/usr/bin/env bash
# Runs the whole pipeline on this machine: an embedded Kafka-protocol broker
# (unless KAFKA_BROKERS points at a real one), the indexer, the enricher and
# the fetcher, with log lines prefixed by the service that wrote them.
#
#   deploy/local/run.sh          poll the default South Asia feed list
#   deploy/local/run.sh demo     poll the bundled sample feeds, served locally
#
# Ctrl-C stops the fetcher first, then the enricher and the indexer (each
# drains and commits), then the broker. Expects `make build` to have run.
set -euo pipefail
cd "$(dirname "$0")/../.."

mode=${1:-run}
mkdir -p var
pids=()

launch() { # launch NAME COMMAND...: start in the background, prefix its output
	local name=$1
	shift
	"$@" > >(sed -u "s/^/[$name] /") 2>&1 &
	pids+=("$!")
}

stop_all() {
	trap - INT TERM EXIT
	echo "[run] stopping..." >&2
	# Newest first: fetcher, enricher, indexer, then the feeds and the broker.
	for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
		kill -TERM "${pids[i]}" 2>/dev/null || true
		wait "${pids[i]}" 2>/dev/null || true
	done
}
trap stop_all INT TERM EXIT

wait_port() { # wait_port HOST PORT WHAT
	for _ in $(seq 1 100); do
		if (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; then return 0; fi
		sleep 0.1
	done
	echo "[run] $3 did not open $1:$2" >&2
	return 1
}

export LOG_FORMAT=${LOG_FORMAT:-text}
export INDEXER_STORE=${INDEXER_STORE:-sqlite:var/newsflow.db}

if [[ -z "${KAFKA_BROKERS:-}" ]]; then
	launch kafka bin/devkafka -addr 127.0.0.1:9092
	wait_port 127.0.0.1 9092 "the embedded broker"
	export KAFKA_BROKERS=127.0.0.1:9092
fi

case "$mode" in
run)
	export FETCHER_FEEDS=${FETCHER_FEEDS:-deploy/feeds/south-asia.yaml}
	;;
demo)
	launch demofeeds bin/demofeeds -addr 127.0.0.1:8089 -feed-list var/demo-feeds.yaml
	wait_port 127.0.0.1 8089 "the sample feed server"
	export FETCHER_FEEDS=var/demo-feeds.yaml
	export FETCHER_ALLOW_HOSTS=127.0.0.1
	;;
*)
	echo "usage: $0 [run|demo]" >&2
	exit 2
	;;
esac

launch indexer bin/indexer
launch enricher bin/enricher
launch fetcher bin/fetcher

cat >&2 <<MSG
[run] Newsflow is running ($mode).
[run]   map and query API: http://${INDEXER_HTTP_ADDR:-127.0.0.1:8080}/   (try /api/v1/articles?limit=5)
[run]   metrics/health:    fetcher http://127.0.0.1:9101  enricher http://127.0.0.1:9102  indexer http://127.0.0.1:9103
[run]   Ctrl-C stops everything.
MSG

# If any process ends on its own, stop the rest.
wait -n "${pids[@]}" || true
