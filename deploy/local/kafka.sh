#!/usr/bin/env bash
# Runs a real Apache Kafka broker on this machine for the integration and
# fault tests: Kafka 4.1 in KRaft combined mode (broker and controller in one
# JVM, one node), from Maven Central jars, with the machine's Java 17+ and Maven.
#
#   deploy/local/kafka.sh start     resolve the jars (once), format the storage (once), start, wait until ready
#   deploy/local/kafka.sh stop      SIGTERM (controlled shutdown), SIGKILL after $KAFKA_STOP_TIMEOUT s
#   deploy/local/kafka.sh kill      SIGKILL, for fault tests; the data stays, `start` recovers it
#   deploy/local/kafka.sh restart   stop, then start (data kept)
#   deploy/local/kafka.sh status    exit 0 ready, 1 running but not answering, 3 not running
#   deploy/local/kafka.sh wait      wait until the running broker answers
#   deploy/local/kafka.sh env       print the variables the integration tests read (set -a; eval "$(... env)")
#                                   KAFKA_CTL is this script, for fault tests that kill and restart the broker
#   deploy/local/kafka.sh logs      the end of the broker's logs
#   deploy/local/kafka.sh reset     stop and delete the data (the next start formats a new cluster)
#   deploy/local/kafka.sh fetch     only resolve the jars
#
# Listeners: PLAINTEXT 127.0.0.1:9092, SASL_PLAINTEXT 127.0.0.1:9094 (SCRAM-SHA-512,
# SCRAM-SHA-256 and PLAIN for user $KAFKA_SASL_USERNAME), SSL 127.0.0.1:9095 (mutual
# TLS with a private CA made on first start, PEM files in var/kafka/tls/), controller
# 127.0.0.1:9093.
# Jars are cached in .kafka/ (and ~/.m2); data, logs and the pid file are in var/kafka/.
# Settings (environment): KAFKA_VERSION, LOG4J2_VERSION, KAFKA_HOST, KAFKA_PORT,
# KAFKA_SASL_PORT, KAFKA_TLS_PORT, KAFKA_CONTROLLER_PORT, KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD,
# KAFKA_AUTO_CREATE_TOPICS, KAFKA_HEAP_OPTS, KAFKA_JVM_OPTS, KAFKA_EXTRA_PROPERTIES
# (newline-separated broker settings), KAFKA_START_TIMEOUT, KAFKA_STOP_TIMEOUT,
# KAFKA_LIB_CACHE, KAFKA_VAR_DIR, JAVA_HOME, MVN. Host, ports and SCRAM
# credentials are fixed when the storage is formatted: change them, then `reset`.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
templates=$here/kafka

KAFKA_VERSION=${KAFKA_VERSION:-4.1.1}
LOG4J2_VERSION=${LOG4J2_VERSION:-2.24.3} # must match KAFKA_VERSION, see kafka/pom.xml
KAFKA_HOST=${KAFKA_HOST:-127.0.0.1}
KAFKA_PORT=${KAFKA_PORT:-9092}
KAFKA_SASL_PORT=${KAFKA_SASL_PORT:-9094}
KAFKA_TLS_PORT=${KAFKA_TLS_PORT:-9095}
KAFKA_CONTROLLER_PORT=${KAFKA_CONTROLLER_PORT:-9093}
KAFKA_SASL_USERNAME=${KAFKA_SASL_USERNAME:-newsflow}
KAFKA_SASL_PASSWORD=${KAFKA_SASL_PASSWORD:-newsflow-local-secret}
KAFKA_AUTO_CREATE_TOPICS=${KAFKA_AUTO_CREATE_TOPICS:-false}
KAFKA_HEAP_OPTS=${KAFKA_HEAP_OPTS:--Xms256m -Xmx1g}
# bin/kafka-run-class.sh's G1 settings, plus failing visibly on OOM.
KAFKA_JVM_OPTS=${KAFKA_JVM_OPTS:--XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true}
KAFKA_START_TIMEOUT=${KAFKA_START_TIMEOUT:-120}
KAFKA_STOP_TIMEOUT=${KAFKA_STOP_TIMEOUT:-60}
MVN=${MVN:-mvn}
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java

lib_dir=${KAFKA_LIB_CACHE:-$root/.kafka}/libs-$KAFKA_VERSION
var_dir=${KAFKA_VAR_DIR:-$root/var/kafka}
data_dir=$var_dir/data # log.dirs: topics, __cluster_metadata, meta.properties
log_dir=$var_dir/logs  # server.log, kafkaServer.out, gc.log
pid_file=$var_dir/kafka.pid
tls_dir=$var_dir/tls   # the CA, broker and client certificates and keys (PEM)

log() { printf '[kafka.sh] %s\n' "$*" >&2; }
die() {
	log "error: $*"
	exit 1
}

# fetch copies kafka_2.13 and its runtime closure into lib_dir, once.
fetch() {
	[[ -f $lib_dir/.complete ]] && return 0
	command -v "$MVN" >/dev/null || die "maven ($MVN) not found"
	log "resolving Kafka $KAFKA_VERSION from Maven Central into $lib_dir"
	rm -rf "$lib_dir.tmp"
	mkdir -p "${lib_dir%/*}"
	"$MVN" -B -ntp -f "$templates/pom.xml" -Dkafka.version="$KAFKA_VERSION" \
		-Dlog4j2.version="$LOG4J2_VERSION" -Dkafka.lib.dir="$lib_dir.tmp" dependency:copy-dependencies \
		>"$lib_dir.mvn.log" 2>&1 || {
		tail -n 40 "$lib_dir.mvn.log" >&2
		die "maven could not resolve Kafka $KAFKA_VERSION (full log: $lib_dir.mvn.log)"
	}
	local jar f
	for f in "kafka_2.13-$KAFKA_VERSION.jar" "kafka-server-$KAFKA_VERSION.jar" \
		"log4j-core-$LOG4J2_VERSION.jar" "log4j-slf4j-impl-$LOG4J2_VERSION.jar"; do
		[[ -f $lib_dir.tmp/$f ]] || die "$f missing from the resolved classpath"
	done
	# Maven picks the nearest version of a dependency, so a mixed classpath is
	# possible in principle; it fails at runtime in obscure ways.
	for jar in "$lib_dir.tmp"/kafka[_-]*.jar; do
		[[ $jar == *-"$KAFKA_VERSION.jar" ]] || die "mixed Kafka versions in the classpath: ${jar##*/}"
	done
	rm -rf "$lib_dir"
	mv "$lib_dir.tmp" "$lib_dir"
	touch "$lib_dir/.complete"
	local jars=("$lib_dir"/*.jar)
	log "${#jars[@]} jars in $lib_dir"
}

# make_certs creates, once, a private CA, the broker's certificate for
# KAFKA_HOST and a client certificate for the TLS tests, all PEM. The keys are
# unencrypted: they protect a local test broker, nothing else.
make_certs() {
	[[ -f $tls_dir/.complete ]] && return 0
	command -v openssl >/dev/null || die "openssl not found (it makes the TLS listener's certificates)"
	local san="DNS:$KAFKA_HOST"
	[[ $KAFKA_HOST =~ ^[0-9.]+$ ]] && san="IP:$KAFKA_HOST"
	log "making a private CA and certificates in $tls_dir"
	rm -rf "$tls_dir"
	mkdir -p "$tls_dir"
	if ! (
		set -e
		cd "$tls_dir"
		openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=newsflow local test CA" \
			-keyout ca-key.pem -out ca.pem
		openssl req -newkey rsa:2048 -nodes -subj "/CN=$KAFKA_HOST" -keyout broker-key.pem -out broker.csr
		printf 'subjectAltName=%s,DNS:localhost\nextendedKeyUsage=serverAuth\n' "$san" >broker.ext
		openssl x509 -req -in broker.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 3650 \
			-extfile broker.ext -out broker.pem
		cat broker-key.pem broker.pem >broker-keystore.pem
		openssl req -newkey rsa:2048 -nodes -subj "/CN=newsflow-client" -keyout client-key.pem -out client.csr
		printf 'extendedKeyUsage=clientAuth\n' >client.ext
		openssl x509 -req -in client.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 3650 \
			-extfile client.ext -out client.pem
		rm -f ./*.csr ./*.ext ca.srl
	) >"$tls_dir/openssl.log" 2>&1; then
		cat "$tls_dir/openssl.log" >&2
		die "openssl could not make the certificates"
	fi
	touch "$tls_dir/.complete"
}

# write_config renders the server.properties template for this start.
write_config() {
	[[ $KAFKA_SASL_USERNAME =~ ^[A-Za-z0-9._-]+$ && $KAFKA_SASL_PASSWORD =~ ^[A-Za-z0-9._-]+$ ]] ||
		die "KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD may hold only letters, digits, '.', '_' and '-'"
	mkdir -p "$data_dir" "$log_dir"
	sed -e "s|@HOST@|$KAFKA_HOST|g" -e "s|@PORT@|$KAFKA_PORT|g" \
		-e "s|@SASL_PORT@|$KAFKA_SASL_PORT|g" -e "s|@CONTROLLER_PORT@|$KAFKA_CONTROLLER_PORT|g" \
		-e "s|@TLS_PORT@|$KAFKA_TLS_PORT|g" -e "s|@TLS_DIR@|$tls_dir|g" \
		-e "s|@DATA_DIR@|$data_dir|g" -e "s|@AUTO_CREATE_TOPICS@|$KAFKA_AUTO_CREATE_TOPICS|g" \
		-e "s|@SASL_USERNAME@|$KAFKA_SASL_USERNAME|g" -e "s|@SASL_PASSWORD@|$KAFKA_SASL_PASSWORD|g" \
		"$templates/server.properties" >"$var_dir/server.properties"
	if [[ -n ${KAFKA_EXTRA_PROPERTIES:-} ]]; then
		printf '\n# KAFKA_EXTRA_PROPERTIES\n%s\n' "$KAFKA_EXTRA_PROPERTIES" >>"$var_dir/server.properties"
	fi
}

storage_tool() {
	# A short-lived JVM: small heap, C1 only, serial GC start fastest.
	"$JAVA" -Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC \
		-Dlog4j2.configurationFile="$templates/tools-log4j2.xml" \
		-cp "$lib_dir/*" kafka.tools.StorageTool "$@"
}

# format_storage formats log.dirs the first time only; later starts reuse the
# cluster id, topics and committed offsets in it.
format_storage() {
	if [[ -f $data_dir/meta.properties ]]; then
		return 0
	fi
	local id
	id=$(storage_tool random-uuid | tail -n 1)
	log "formatting $data_dir (cluster id $id) with SCRAM user $KAFKA_SASL_USERNAME"
	local cred="name=$KAFKA_SASL_USERNAME,password=$KAFKA_SASL_PASSWORD"
	storage_tool format --standalone --cluster-id "$id" --config "$var_dir/server.properties" \
		--add-scram "SCRAM-SHA-512=[$cred]" --add-scram "SCRAM-SHA-256=[$cred]" >&2
}

alive() { # alive PID: the process exists and is not a zombie
	local state
	state=$(ps -o stat= -p "$1" 2>/dev/null) && [[ -n $state && $state != Z* ]]
}

running_pid() { # prints the broker's pid; fails when it is not running
	local pid
	[[ -f $pid_file ]] && pid=$(<"$pid_file") && [[ -n $pid ]] && alive "$pid" || return 1
	# The pid may have been reused by another process since the broker died.
	tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "kafka.Kafka $var_dir/server.properties" || return 1
	echo "$pid"
}

wait_exit() { # wait_exit PID SECONDS
	local deadline=$((SECONDS + $2))
	while alive "$1"; do
		((SECONDS < deadline)) || return 1
		sleep 0.2
	done
}

port_open() { (exec 3<>"/dev/tcp/$KAFKA_HOST/$1") 2>/dev/null; }

# wait_ports_closed waits until no one listens on the broker's ports. After a
# SIGKILL the main thread is a zombie before the other threads have exited
# and closed the sockets, so "the pid is gone" is not enough for a restart.
wait_ports_closed() {
	local deadline=$((SECONDS + 15)) port
	for port in "$KAFKA_PORT" "$KAFKA_SASL_PORT" "$KAFKA_TLS_PORT" "$KAFKA_CONTROLLER_PORT"; do
		while port_open "$port"; do
			((SECONDS < deadline)) || die "$KAFKA_HOST:$port is still open"
			sleep 0.1
		done
	done
}

# answers PORT sends ApiVersions v0 (request header v1, client id "probe",
# correlation id 1) and checks that the reply carries correlation id 1 and
# error code 0. Kafka opens its client ports only once the broker is
# unfenced, and a SASL listener answers ApiVersions before authentication,
# so this is a real "ready" on either listener.
answers() {
	local reply
	# shellcheck disable=SC2016 # $0 and $1 belong to the inner bash
	reply=$(timeout 5 bash -c '
		exec 3<>"/dev/tcp/$0/$1" || exit 1
		printf "\x00\x00\x00\x0f\x00\x12\x00\x00\x00\x00\x00\x01\x00\x05probe" >&3
		head -c 10 <&3 | od -An -tx1 | tr -d " \n"' "$KAFKA_HOST" "$1" 2>/dev/null) || return 1
	[[ $reply =~ ^[0-9a-f]{8}000000010000$ ]]
}

# The TLS listener opens with the others; a handshake is more than bash can do.
ready() { answers "$KAFKA_PORT" && answers "$KAFKA_SASL_PORT" && port_open "$KAFKA_TLS_PORT"; }

show_logs() {
	log "---- $log_dir/kafkaServer.out (end)"
	tail -n 20 "$log_dir/kafkaServer.out" >&2 2>/dev/null || true
	log "---- $log_dir/server.log (end)"
	tail -n 40 "$log_dir/server.log" >&2 2>/dev/null || true
}

wait_ready() { # wait_ready STARTED_AT
	local started=$1 deadline=$((SECONDS + KAFKA_START_TIMEOUT)) pid
	while :; do
		pid=$(running_pid) || {
			log "the broker exited during startup"
			show_logs
			return 1
		}
		if ready; then
			log "ready on $KAFKA_HOST:$KAFKA_PORT, :$KAFKA_SASL_PORT (SASL) and :$KAFKA_TLS_PORT (TLS) (pid $pid) after $(elapsed "$started")s"
			return 0
		fi
		if ((SECONDS >= deadline)); then
			log "not ready after ${KAFKA_START_TIMEOUT}s"
			show_logs
			return 1
		fi
		sleep 0.25
	done
}

now_ms() { date +%s%3N; }
elapsed() { local ms=$(($(now_ms) - $1)); printf '%d.%d' $((ms / 1000)) $((ms % 1000 / 100)); }

start() {
	local started pid port
	started=$(now_ms)
	if pid=$(running_pid); then
		log "already running (pid $pid)"
		wait_ready "$started"
		return
	fi
	for port in "$KAFKA_PORT" "$KAFKA_SASL_PORT" "$KAFKA_TLS_PORT" "$KAFKA_CONTROLLER_PORT"; do
		! port_open "$port" || die "$KAFKA_HOST:$port is in use (another broker? see KAFKA_*PORT)"
	done
	fetch
	make_certs
	write_config
	format_storage
	log "starting Kafka $KAFKA_VERSION (logs in $log_dir)"
	# setsid: the broker outlives this script and ignores the terminal's Ctrl-C.
	# shellcheck disable=SC2086 # the *_OPTS hold several flags each
	setsid "$JAVA" -server $KAFKA_HEAP_OPTS $KAFKA_JVM_OPTS \
		"-Xlog:gc*:file=$log_dir/gc.log:time,tags:filecount=3,filesize=20M" \
		-Dkafka.logs.dir="$log_dir" -Dlog4j2.configurationFile="$templates/log4j2.xml" \
		-cp "$lib_dir/*" kafka.Kafka "$var_dir/server.properties" \
		>>"$log_dir/kafkaServer.out" 2>&1 </dev/null &
	echo $! >"$pid_file"
	wait_ready "$started"
}

stop() {
	local pid
	if ! pid=$(running_pid); then
		log "not running"
		rm -f "$pid_file"
		return 0
	fi
	log "stopping pid $pid (controlled shutdown)"
	kill -TERM "$pid" 2>/dev/null || true
	if ! wait_exit "$pid" "$KAFKA_STOP_TIMEOUT"; then
		log "still running after ${KAFKA_STOP_TIMEOUT}s; sending SIGKILL"
		kill -KILL "$pid" 2>/dev/null || true
		wait_exit "$pid" 15 || die "pid $pid does not exit"
	fi
	wait_ports_closed
	rm -f "$pid_file"
	log "stopped"
}

kill_broker() {
	local pid
	pid=$(running_pid) || die "not running"
	log "SIGKILL to pid $pid (data kept)"
	kill -KILL "$pid"
	wait_exit "$pid" 15 || die "pid $pid does not exit"
	wait_ports_closed
	rm -f "$pid_file"
}

status() {
	local pid
	if ! pid=$(running_pid); then
		echo "not running"
		return 3
	fi
	if ready; then
		echo "running (pid $pid), ready on $KAFKA_HOST:$KAFKA_PORT, :$KAFKA_SASL_PORT (SASL) and :$KAFKA_TLS_PORT (TLS)"
		return 0
	fi
	echo "running (pid $pid), not answering yet"
	return 1
}

env_vars() {
	cat <<EOF
KAFKA_CTL=$here/kafka.sh
KAFKA_BROKERS=$KAFKA_HOST:$KAFKA_PORT
KAFKA_SASL_BROKERS=$KAFKA_HOST:$KAFKA_SASL_PORT
KAFKA_SASL_USERNAME=$KAFKA_SASL_USERNAME
KAFKA_SASL_PASSWORD=$KAFKA_SASL_PASSWORD
KAFKA_TLS_BROKERS=$KAFKA_HOST:$KAFKA_TLS_PORT
KAFKA_TLS_TEST_DIR=$tls_dir
EOF
}

reset() {
	stop
	rm -rf "$var_dir"
	log "deleted $var_dir"
}

case ${1:-} in
fetch) fetch ;;
start) start ;;
stop) stop ;;
kill) kill_broker ;;
restart)
	stop
	start
	;;
status) status ;;
wait) wait_ready "$(now_ms)" ;;
env) env_vars ;;
logs) show_logs 2>&1 ;;
reset) reset ;;
*)
	awk 'NR > 1 && !/^#/ { exit } NR > 1' "$0" >&2
	exit 2
	;;
esac
