#!/usr/bin/env bash
# bench-e2e.sh: the end-to-end benchmark matrix behind `make bench-e2e`.
# Each case prints one line from e2e/bench:
#   case=... partitions=P instances=I rate=R articles=N seconds=S articles_per_second=R p50_ms=A p99_ms=B <svc>_rss_mb=...
# Cases: (a) the embedded broker with SQLite, always; (b) real Kafka with SQLite
# when KAFKA_BROKERS is set, and with PostgreSQL when POSTGRES_DSN is set too.
# Tunables (environment): BENCH_N (articles, default 20000), BENCH_RATE
# (articles/s, 0 = as fast as possible), BENCH_PARTITIONS (default "3", a list
# such as "1 3 6" runs each), BENCH_INSTANCES (default "1", such as "1 2").
# Expects bin/ built (make build).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
n="${BENCH_N:-20000}"
rate="${BENCH_RATE:-0}"
parts="${BENCH_PARTITIONS:-3}"
insts="${BENCH_INSTANCES:-1}"
cd "$root/e2e"
go build -o "$root/bin/bench-e2e" ./bench

bench() {
	"$root/bin/bench-e2e" -bin "$root/bin" -n "$n" -rate "$rate" "$@"
}

status=0
for p in $parts; do
	for i in $insts; do
		bench -partitions "$p" -instances "$i" || status=1
		if [ -n "${KAFKA_BROKERS:-}" ]; then
			bench -partitions "$p" -instances "$i" -brokers "$KAFKA_BROKERS" || status=1
			if [ -n "${POSTGRES_DSN:-}" ]; then
				bench -partitions "$p" -instances "$i" -brokers "$KAFKA_BROKERS" -store "$POSTGRES_DSN" || status=1
			fi
		fi
	done
done
exit $status
