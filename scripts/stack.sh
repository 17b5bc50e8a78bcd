#!/usr/bin/env bash
# The whole portal on one machine: a private PostgreSQL cluster under $VAR,
# the six role programs (spawn-fcgi + tools/pool.c) and nginx.
#   stack.sh start | init | seed | demo | days | info | stop | psql [args]
# (init: an empty installation, reference data and the operator's account;
# seed: init, then the demo's organisations, accounts and plans made through
# the APIs (scripts/setup.mjs); demo: applications made through the API at
# the unit and county steps, for `make run` only)
# Environment: VAR (default ./var), PORT (8080), BIN (build/bin), WORKERS (4),
# BENCH=1 also serves the bare programs `make bench` measures against (tools/fcgi-floor.c,
# under /bench/),
# REGISTER_PER_IP_HOUR (20) registrations tried per IP address and hour,
# CODES_PER_IP_HOUR (30) SMS codes asked for per IP address and hour,
# LOGIN_FAILURES_PER_IP_HOUR (300) failed logins per IP address and hour,
# UPLOADS_PER_DAY (300) and UPLOAD_MB_PER_DAY (1024) files and MiB one account uploads in 24 hours.
# PASSWORD_COST (5): yescrypt's cost for new password hashes (conf/portal.conf.in's password_cost).
# TLS_PORT: nginx also listens there with TLS (conf/nginx-tls.conf.in), with a
# self-signed certificate made in $VAR/tls. APACHE_PORT: Apache httpd also serves the
# portal there, from conf/apache-zcps.conf as shipped (its paths made this stack's).
# PAYMENT_PROVIDER: simulator (default: the demo; also starts and routes the simulated
# payment gateway cgi-bin/paysim, with its own key var/paysim.secret) or external / none
# (the production configuration of conf/portal.conf.in: no simulator anywhere; the
# notifications' key is var/payment.secret, the gateway PAYMENT_GATEWAY_URL).
# ARCHIVE (1): PostgreSQL archives its WAL with pgBackRest into the repository of
# $VAR/pgbackrest.conf (conf/pgbackrest.conf.in; BACKUP_REPO, default $VAR/backup), for
# scripts/backup.sh (make backup, make restore; docs/operations.md); 0: no archiving.
# LISTEN_ADDR: an address nginx also listens on (port PORT), beside 127.0.0.1.
# PUBLIC_URL: the portal's public address for the links it hands out (conf/portal.conf.in's
# public_url); unset, each request's own Host (the demo is reached by several names).
# SQL_DIR (./sql): where the migrations are.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
VAR=${VAR:-$ROOT/var}
PORT=${PORT:-8080}
BIN=${BIN:-$ROOT/build/bin}
WORKERS=${WORKERS:-4}
BENCH=${BENCH:-0}
PAYMENT_PROVIDER=${PAYMENT_PROVIDER:-simulator}
PAYMENT_GATEWAY_URL=${PAYMENT_GATEWAY_URL:-https://pay.example.invalid/gateway}
REGISTER_PER_IP_HOUR=${REGISTER_PER_IP_HOUR:-20}
CODES_PER_IP_HOUR=${CODES_PER_IP_HOUR:-30}
LOGIN_FAILURES_PER_IP_HOUR=${LOGIN_FAILURES_PER_IP_HOUR:-300}
UPLOADS_PER_DAY=${UPLOADS_PER_DAY:-300}
UPLOAD_MB_PER_DAY=${UPLOAD_MB_PER_DAY:-1024}
PASSWORD_COST=${PASSWORD_COST:-5}
TLS_PORT=${TLS_PORT:-}
PUBLIC_URL=${PUBLIC_URL:-}
APACHE_PORT=${APACHE_PORT:-}
ARCHIVE=${ARCHIVE:-1}
BACKUP_REPO=${BACKUP_REPO:-$VAR/backup}
LISTEN_ADDR=${LISTEN_ADDR:-}
SQL_DIR=${SQL_DIR:-$ROOT/sql}
ROLES="applicant unit county city hrb admin"
PGBIN=/usr/lib/postgresql/15/bin
PGDATA=$VAR/pg/data
PGSOCK=$VAR/run/pg
DEMO_PASSWORD='Demo@2023'

say() { printf '%s\n' "$*"; }
die() { printf 'stack: %s\n' "$*" >&2; exit 1; }

# Logs hold addresses and what people did: 0640, readable by their writer and the
# operators' group (adm, Debian's group for reading logs), by nobody else; they are
# rotated by conf/logrotate ($VAR/logrotate.conf, see docs/security.md).
LOG_GROUP=${LOG_GROUP:-adm}
log_file() {	# path owner
	[ -e "$1" ] || : > "$1"
	chown "$2:$LOG_GROUP" "$1"
	chmod 0640 "$1"
}

case $PAYMENT_PROVIDER in
simulator|external|none) ;;
*) die "PAYMENT_PROVIDER must be simulator, external or none" ;;
esac
simulated() { [ "$PAYMENT_PROVIDER" = simulator ]; }

[ "$(id -u)" = 0 ] || die "run as root (it starts PostgreSQL as postgres, the programs as zcps, nginx as www-data)"

pg() { runuser -u postgres -- "$@"; }
psql_db() { PGOPTIONS="-c client_min_messages=warning" pg psql -X -q -v ON_ERROR_STOP=1 -h "$PGSOCK" -d zcps "$@"; }

# The service users must be able to reach files below $ROOT and $VAR.
open_path() {
	local d=$1
	while [ "$d" != / ]; do
		if [ "$(stat -c %A "$d" | cut -c10)" != x ] && [ "$(stat -c %A "$d" | cut -c10)" != t ]; then
			say "stack: allowing other users to traverse $d (chmod o+x)"
			chmod o+x "$d"
		fi
		d=$(dirname "$d")
	done
}

start_pg() {
	mkdir -p "$VAR/pg" "$PGSOCK" "$VAR/log"
	chown postgres:postgres "$VAR/pg" "$PGSOCK"
	chmod 0755 "$PGSOCK"
	if [ ! -s "$PGDATA/PG_VERSION" ]; then
		say "stack: creating PostgreSQL cluster in $PGDATA"
		pg "$PGBIN/initdb" -D "$PGDATA" -E UTF8 --locale=C.UTF-8 --auth-local=peer \
			--auth-host=reject >/dev/null
		cat > "$PGDATA/pg_hba.conf" <<HBA
# unix socket only, peer authentication mapped by pg_ident.conf
local all all peer map=portal
HBA
		{
			echo "portal postgres postgres"
			echo "portal root postgres"
			for r in $ROLES; do
				echo "portal zcps portal_$r"
				echo "portal root portal_$r"
			done
		} > "$PGDATA/pg_ident.conf"
		cat >> "$PGDATA/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$PGSOCK'
max_connections = 200
shared_buffers = 256MB
timezone = 'Asia/Shanghai'
log_min_duration_statement = 500
${PG_EXTRA_CONF:-}
CONF
		chown postgres:postgres "$PGDATA"/*.conf
	fi
	archive_conf
	if ! pg "$PGBIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
		pg_log_conf || true
		tuning_conf || true
		log_file "$VAR/log/postgres.log" postgres
		pg "$PGBIN/pg_ctl" -D "$PGDATA" -l "$VAR/log/postgres.log" -w -t 60 start >/dev/null
	else
		local changed=1
		pg_log_conf && changed=0
		tuning_conf && changed=0
		if [ "$changed" = 0 ]; then
			pg "$PGBIN/pg_ctl" -D "$PGDATA" reload >/dev/null
		fi
	fi
	archive_apply
	if ! pg psql -X -tA -h "$PGSOCK" -d postgres -c "SELECT 1 FROM pg_database WHERE datname = 'zcps'" | grep -q 1; then
		pg createdb -h "$PGSOCK" -E UTF8 zcps
	fi
	migrate
}

# What PostgreSQL's log may hold (also in a cluster made before): no DETAIL, HINT or
# CONTEXT (a unique violation's DETAIL is the key, e.g. a 身份证号: "Key (username)=(…)
# already exists"), no bound parameters of slow or failed statements (ID numbers,
# password hashes).
# Succeeds when it had to add something.
pg_log_conf() {
	local f=$PGDATA/postgresql.conf added=1 kv
	for kv in "log_error_verbosity = terse" "log_parameter_max_length = 0" \
		"log_parameter_max_length_on_error = 0"; do
		grep -q "^${kv%% = *} =" "$f" && continue
		echo "$kv" >> "$f"
		added=0
	done
	return $added
}

# WAL: a move touches pages all over the desk's seven indexes, and the first change of
# a page after a checkpoint writes the whole page into the WAL; at a million applications
# that was ~36 KB of WAL a move, ~14 KB with the page images compressed and checkpoints
# further apart (docs/performance.md): less to archive (pgBackRest) and to replicate.
# $PGDATA/zcps-tuning.conf, included last, written at every start (these lines win over
# initdb's own max_wal_size). Succeeds when the file changed.
tuning_conf() {
	local f=$PGDATA/postgresql.conf t=$PGDATA/zcps-tuning.conf new
	grep -q "^include_if_exists = 'zcps-tuning.conf'" "$f" ||
		echo "include_if_exists = 'zcps-tuning.conf'" >> "$f"
	new="# written by scripts/stack.sh at every start (tuning_conf)
wal_compression = lz4
max_wal_size = 4GB
checkpoint_timeout = 15min"
	[ -f "$t" ] && [ "$(cat "$t")" = "$new" ] && return 1
	echo "$new" > "$t"
	chown postgres:postgres "$t"
	return 0
}

# WAL archiving with pgBackRest (ARCHIVE=1): $VAR/pgbackrest.conf from
# conf/pgbackrest.conf.in, and $PGDATA/zcps-archive.conf, which postgresql.conf
# includes, written at every start (so ARCHIVE=0 turns it off again).
archive_conf() {
	local f=$PGDATA/postgresql.conf
	sed -e "s|@VAR@|$VAR|g" -e "s|@PGDATA@|$PGDATA|g" -e "s|@PGSOCK@|$PGSOCK|g" \
		-e "s|@BACKUP_REPO@|$BACKUP_REPO|g" "$ROOT/conf/pgbackrest.conf.in" > "$VAR/pgbackrest.conf"
	chown root:postgres "$VAR/pgbackrest.conf"
	chmod 0640 "$VAR/pgbackrest.conf"
	grep -q "^include_if_exists = 'zcps-archive.conf'" "$f" ||
		echo "include_if_exists = 'zcps-archive.conf'" >> "$f"
	if [ "$ARCHIVE" = 1 ]; then
		command -v pgbackrest >/dev/null || die "ARCHIVE=1 needs pgBackRest (make deps)"
		mkdir -p "$BACKUP_REPO" "$VAR/log/pgbackrest" "$VAR/run/pgbackrest"
		chown postgres:postgres "$BACKUP_REPO" "$VAR/log/pgbackrest" "$VAR/run/pgbackrest"
		chmod 0750 "$BACKUP_REPO" "$VAR/log/pgbackrest"
		cat > "$PGDATA/zcps-archive.conf" <<CONF
# written by scripts/stack.sh (ARCHIVE=1): every WAL segment to the pgBackRest repository
wal_level = replica
archive_mode = on
archive_command = 'pgbackrest --config=$VAR/pgbackrest.conf --stanza=zcps archive-push %p'
archive_timeout = 300
CONF
	else
		echo "# written by scripts/stack.sh (ARCHIVE=0): no WAL archiving" > "$PGDATA/zcps-archive.conf"
	fi
	chown postgres:postgres "$PGDATA/zcps-archive.conf"
}

# A running PostgreSQL whose archive_mode changed restarts (the programs reconnect);
# with ARCHIVE=1 the stanza exists (made once; WAL waits in pg_wal until it does).
archive_apply() {
	if [ "$(pg psql -X -tA -h "$PGSOCK" -d postgres -c "SELECT count(*) FROM pg_settings WHERE name = 'archive_mode' AND pending_restart")" != 0 ]; then
		say "stack: restarting PostgreSQL for archive_mode"
		pg "$PGBIN/pg_ctl" -D "$PGDATA" -l "$VAR/log/postgres.log" -m fast -w -t 60 restart >/dev/null
	fi
	[ "$ARCHIVE" = 1 ] || return 0
	[ -s "$BACKUP_REPO/backup/zcps/backup.info" ] && return 0
	pg pgbackrest --config="$VAR/pgbackrest.conf" --stanza=zcps --log-level-console=warn stanza-create ||
		die "pgbackrest could not create the stanza in $BACKUP_REPO (see $VAR/log/pgbackrest)"
}

# Applies $SQL_DIR/NNN_*.sql in order, each once, each in one transaction with its
# row in schema_migration: a migration that fails leaves nothing of itself behind,
# and the programs do not start on a database whose migrations did not all apply.
migrate() {
	psql_db -c "CREATE TABLE IF NOT EXISTS schema_migration (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
	local applied f name pending=() out rc=0
	applied=$(psql_db -tA -c "SELECT name FROM schema_migration")
	for f in "$SQL_DIR"/[0-9][0-9][0-9]_*.sql; do
		grep -qxF -- "$(basename "$f")" <<<"$applied" || pending+=("$f")
	done
	[ "${#pending[@]}" != 0 ] || return 0
	# All in one psql (one a file took ~0.25 s: 22 of a new stack's 26 s), the files read
	# here (as root; psql runs as postgres). Each is a transaction of its own, its row last:
	# only a migration that ran to its end is recorded (a file may not end the transaction
	# itself: tests/integration/ops.test.mjs). At the first error psql stops, and the failed
	# file's transaction is rolled back; those before it stay applied.
	out=$(for f in "${pending[@]}"; do
		name=$(basename "$f")
		printf '\\echo stack: applying %s\nBEGIN;\n' "$name"
		cat "$f"
		printf "\nINSERT INTO schema_migration (name) VALUES ('%s');\nCOMMIT;\n" "${name//\'/\'\'}"
	done | psql_db -f -) || rc=$?
	[ -z "$out" ] || say "$out"
	if [ "$rc" != 0 ]; then
		name=$(sed -n 's/^stack: applying //p' <<<"$out" | tail -n 1)
		die "migration $name failed (the error is above) and was rolled back: the database is as it was before it, with the migrations before it applied. Nothing was started. Fix $name and start again."
	fi
}

# 32 random bytes as hex in file, made once per stack
make_secret() {
	[ -s "$1" ] || (umask 077; od -An -tx1 -N32 /dev/urandom | tr -d ' \n' > "$1")
}

# var/portal.conf from the production template; the demo makes the simulator its
# provider, whose key is the simulator's own (var/paysim.secret). A production
# configuration never reads that file: its key is var/payment.secret.
write_conf() {
	local provider=external url=$PAYMENT_GATEWAY_URL secret
	if simulated; then
		make_secret "$VAR/paysim.secret"
		# the order in the fragment (#order=…): the simulator's page reads it
		# there, and nginx's access log never sees it
		provider=simulator url=/paysim/# secret=$(cat "$VAR/paysim.secret")
		sed -e "s|@PAYSIM_SECRET@|$secret|" "$ROOT/conf/paysim.conf.in" > "$VAR/paysim.conf"
		chown root:zcps "$VAR/paysim.conf"
		chmod 0640 "$VAR/paysim.conf"
	else
		make_secret "$VAR/payment.secret"
		[ "$PAYMENT_PROVIDER" = none ] && provider=none
		secret=$(cat "$VAR/payment.secret")
		rm -f "$VAR/paysim.conf"
	fi
	sed -e "s|@VAR@|$VAR|g" -e "s|^payment_provider = external$|payment_provider = $provider|" \
		-e "s|@PAYMENT_GATEWAY_URL@|$url|" -e "s|@PAYMENT_CALLBACK_SECRET@|$secret|" \
		-e "s|@PUBLIC_URL@|$PUBLIC_URL|" \
		-e "s|@REGISTER_PER_IP_HOUR@|$REGISTER_PER_IP_HOUR|" \
		-e "s|@CODES_PER_IP_HOUR@|$CODES_PER_IP_HOUR|" \
		-e "s|@LOGIN_FAILURES_PER_IP_HOUR@|$LOGIN_FAILURES_PER_IP_HOUR|" \
		-e "s|@UPLOADS_PER_DAY@|$UPLOADS_PER_DAY|" -e "s|@UPLOAD_MB_PER_DAY@|$UPLOAD_MB_PER_DAY|" \
		-e "s|@PASSWORD_COST@|$PASSWORD_COST|" \
		"$ROOT/conf/portal.conf.in" > "$VAR/portal.conf"
	grep -qx "payment_provider = $provider" "$VAR/portal.conf" || die "conf/portal.conf.in: no payment_provider line"
	chown root:zcps "$VAR/portal.conf"
	chmod 0640 "$VAR/portal.conf"
}

start_programs() {
	local r
	mkdir -p "$VAR/run/fcgi" "$VAR/log"
	for r in $ROLES paysim $([ "$BENCH" = 1 ] && echo floor); do log_file "$VAR/log/$r.log" zcps; done
	chown zcps:www-data "$VAR/run/fcgi"
	chmod 0750 "$VAR/run/fcgi"
	# programs already running keep the configuration they started with
	if [ -s "$VAR/run/applicant.pid" ] && kill -0 "$(cat "$VAR/run/applicant.pid")" 2>/dev/null &&
		[ "$(cat "$VAR/run/payment_provider" 2>/dev/null || echo simulator)" != "$PAYMENT_PROVIDER" ]; then
		die "this stack runs with another PAYMENT_PROVIDER; stop it first (stack.sh stop)"
	fi
	write_conf
	echo "$PAYMENT_PROVIDER" > "$VAR/run/payment_provider"
	for r in $ROLES; do
		[ -x "$BIN/$r" ] || die "$BIN/$r is not built (make programs)"
		spawn_one "$r" "$BIN/$r" -c "$VAR/portal.conf" -l "$VAR/log/$r.log"
	done
	if simulated; then
		[ -x "$BIN/paysim" ] || die "$BIN/paysim is not built (make programs)"
		spawn_one paysim "$BIN/paysim" -c "$VAR/paysim.conf" -l "$VAR/log/paysim.log"
	else
		stop_one paysim
	fi
	if [ "$BENCH" = 1 ]; then
		spawn_one floor "$BIN/fcgi-floor" "host=$PGSOCK dbname=zcps user=portal_unit application_name=floor"
	fi
}

spawn_one() {
	local name=$1; shift
	local sock=$VAR/run/fcgi/$name.sock pidf=$VAR/run/$name.pid
	if [ -s "$pidf" ] && kill -0 "$(cat "$pidf")" 2>/dev/null; then
		# running: kept, unless rebuilt since it started (make run after a change runs it)
		[ "$1" -nt "$pidf" ] || [ "$BIN/pool" -nt "$pidf" ] || return 0
		stop_one "$name"
	fi
	rm -f "$sock"
	[ -x "$BIN/pool" ] || die "$BIN/pool is not built (make programs)"
	# pool (tools/pool.c) keeps $WORKERS copies on the socket and replaces any
	# that dies, with a back-off and without ever giving up (docs/security.md).
	env -i PATH=/usr/bin:/bin ${ASAN_OPTIONS:+ASAN_OPTIONS=$ASAN_OPTIONS} \
		${UBSAN_OPTIONS:+UBSAN_OPTIONS=$UBSAN_OPTIONS} \
		spawn-fcgi -s "$sock" -M 0660 -U zcps -G www-data -u zcps -g zcps \
		-P "$pidf" -- "$BIN/pool" -n "$WORKERS" -l "$VAR/log/$name.log" -- "$@" \
		>>"$VAR/log/$name.log" 2>&1 || die "could not start $name (see $VAR/log/$name.log)"
}

# A self-signed certificate for 127.0.0.1 and localhost, made once per stack.
make_cert() {
	local d=$VAR/tls
	[ -s "$d/cert.pem" ] && [ -s "$d/key.pem" ] && return 0
	mkdir -p "$d"
	chmod 0700 "$d"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 30 \
		-subj "/CN=127.0.0.1" -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
		-keyout "$d/key.pem" -out "$d/cert.pem" >/dev/null 2>&1 ||
		die "openssl could not make a certificate in $d"
	chmod 0600 "$d/key.pem"
}

start_nginx() {
	mkdir -p "$VAR/nginx" "$VAR/run" "$VAR/log"
	local bench="" paysim="" tls="" listen=""
	if [ "$BENCH" = 1 ]; then
		bench="location ^~ /bench/ { include $ROOT/conf/nginx-fastcgi.conf; fastcgi_pass unix:$VAR/run/fcgi/floor.sock; }"
	fi
	rm -f "$VAR/nginx/paysim.conf"
	if simulated; then
		sed -e "s|@VAR@|$VAR|g" -e "s|@ROOT@|$ROOT|g" "$ROOT/conf/nginx-paysim.conf.in" > "$VAR/nginx/paysim.conf"
		paysim="include $VAR/nginx/paysim.conf;"
	fi
	rm -f "$VAR/nginx/tls.conf"
	if [ -n "$TLS_PORT" ]; then
		make_cert
		sed -e "s|@VAR@|$VAR|g" -e "s|@TLS_PORT@|$TLS_PORT|g" "$ROOT/conf/nginx-tls.conf.in" \
			> "$VAR/nginx/tls.conf"
		tls="include $VAR/nginx/tls.conf;"
	fi
	case $LISTEN_ADDR in
	'') ;;
	*:*) listen="listen [$LISTEN_ADDR]:$PORT;" ;;
	*) listen="listen $LISTEN_ADDR:$PORT;" ;;
	esac
	sed -e "s|@VAR@|$VAR|g" -e "s|@ROOT@|$ROOT|g" -e "s|@PORT@|$PORT|g" -e "s|@TLS@|$tls|" \
		-e "s|@LISTEN@|$listen|" \
		-e "s|@BENCH@|$bench|" -e "s|@PAYSIM@|$paysim|" "$ROOT/conf/nginx.conf.in" > "$VAR/nginx/nginx.conf"
	log_file "$VAR/log/nginx-access.log" root
	log_file "$VAR/log/nginx-error.log" root
	sed -e "s|@VAR@|$VAR|g" "$ROOT/conf/logrotate" > "$VAR/logrotate.conf"
	chmod 0644 "$VAR/logrotate.conf"
	[ -f "$ROOT/www/dist/applicant/index.html" ] || die "front end not built (make www)"
	if [ -s "$VAR/run/nginx.pid" ] && kill -0 "$(cat "$VAR/run/nginx.pid")" 2>/dev/null; then
		nginx -q -c "$VAR/nginx/nginx.conf" -p "$VAR/nginx" -s reload
	else
		nginx -q -c "$VAR/nginx/nginx.conf" -p "$VAR/nginx" -t 2>/dev/null || \
			nginx -c "$VAR/nginx/nginx.conf" -p "$VAR/nginx" -t
		nginx -q -c "$VAR/nginx/nginx.conf" -p "$VAR/nginx" -g 'daemon on;'
	fi
}

# Apache httpd around conf/apache-zcps.conf as shipped: the same programs' sockets,
# the same pages; only its production paths are replaced by this stack's.
start_apache() {
	local d=$VAR/apache m=/usr/lib/apache2/modules
	[ -n "$APACHE_PORT" ] || return 0
	command -v apache2 >/dev/null || die "APACHE_PORT needs Apache httpd (apache2-bin)"
	mkdir -p "$d"
	log_file "$VAR/log/apache-error.log" root
	log_file "$VAR/log/zcps-access.log" root
	sed -e "s|<VirtualHost 127.0.0.1:8080>|<VirtualHost 127.0.0.1:$APACHE_PORT>|" \
		-e "s|/opt/zcps/www/dist|$ROOT/www/dist|g" -e "s|unix:/run/zcps/|unix:$VAR/run/fcgi/|g" \
		"$ROOT/conf/apache-zcps.conf" > "$d/zcps.conf"
	if ! grep -q "<VirtualHost 127.0.0.1:$APACHE_PORT>" "$d/zcps.conf" ||
		grep -v '^[[:space:]]*#' "$d/zcps.conf" | grep -q '/opt/zcps\|/run/zcps'; then
		die "conf/apache-zcps.conf: its paths are not the ones start_apache replaces"
	fi
	cat > "$d/httpd.conf" <<CONF
# Written by scripts/stack.sh: a server of its own around conf/apache-zcps.conf.
ServerRoot $d
ServerName 127.0.0.1
Listen 127.0.0.1:$APACHE_PORT
PidFile $VAR/run/apache.pid
DefaultRuntimeDir $d
User www-data
Group www-data
ErrorLog $VAR/log/apache-error.log
Define APACHE_LOG_DIR $VAR/log
LoadModule mpm_event_module $m/mod_mpm_event.so
LoadModule authz_core_module $m/mod_authz_core.so
LoadModule authz_host_module $m/mod_authz_host.so
LoadModule mime_module $m/mod_mime.so
LoadModule dir_module $m/mod_dir.so
LoadModule alias_module $m/mod_alias.so
LoadModule headers_module $m/mod_headers.so
LoadModule proxy_module $m/mod_proxy.so
LoadModule proxy_fcgi_module $m/mod_proxy_fcgi.so
TypesConfig /etc/mime.types
StartServers 1
ServerLimit 2
ThreadsPerChild 16
MaxRequestWorkers 32
<Directory />
	Require all denied
</Directory>
Include $d/zcps.conf
CONF
	if [ -s "$VAR/run/apache.pid" ] && kill -0 "$(cat "$VAR/run/apache.pid")" 2>/dev/null; then
		apache2 -f "$d/httpd.conf" -k graceful
	else
		apache2 -f "$d/httpd.conf" -t >/dev/null 2>&1 || apache2 -f "$d/httpd.conf" -t
		apache2 -f "$d/httpd.conf" -k start
	fi
}

wait_healthy() {
	local r i base roles ca
	for base in "http://127.0.0.1:$PORT" ${TLS_PORT:+"https://127.0.0.1:$TLS_PORT"} \
		${APACHE_PORT:+"http://127.0.0.1:$APACHE_PORT"}; do
		roles=$ROLES ca=()
		# the simulated gateway is nginx's only (conf/nginx-paysim.conf.in)
		simulated && [ "$base" != "http://127.0.0.1:$APACHE_PORT" ] && roles="$roles paysim"
		case $base in https:*) ca=(--cacert "$VAR/tls/cert.pem") ;; esac
		for r in $roles; do
			for i in $(seq 1 100); do
				if curl -fsS -o /dev/null "${ca[@]}" "$base/api/$r/health" 2>/dev/null; then
					break
				fi
				[ "$i" = 100 ] && die "$base/api/$r/health did not answer (see $VAR/log/$r.log)"
				sleep 0.1
			done
		done
	done
}

# An installation from an empty database: the reference data (the migrations)
# and one operator account, admin, whose password is $1 or a random one,
# printed once and good for the first login only (sql/018: the portal asks
# for a password of the operator's own before anything else). Nothing when
# accounts exist.
init() {
	local pw=${1:-} hash one_time=false
	[ "$(psql_db -tA -c 'SELECT count(*) FROM app_user')" = 0 ] || return 0
	if [ -z "$pw" ]; then
		pw="Zc$(od -An -tx1 -N9 /dev/urandom | tr -d ' \n')!"
		one_time=true
		say "stack: the operator's account: admin / $pw (shown once; the first login asks for a password of your own)"
	fi
	hash=$(printf '%s\n' "$pw" | "$BIN/portalctl" -c "$VAR/portal.conf" hash-password)
	psql_db -1 -v pwhash="$hash" -v one_time="$one_time" <<'SQL'
INSERT INTO org (kind, name, region_id, portal)
SELECT 'platform', '职称申报评审平台运维中心', id, 'admin' FROM region WHERE level = 'city';
INSERT INTO app_user (role, username, name, org_id, password_hash, is_org_admin, must_change_password)
SELECT 'admin', 'admin', '平台管理员', id, :'pwhash', true, :'one_time' FROM org WHERE kind = 'platform';
SQL
}

# The demo's organisations, accounts and plans, made through the APIs by
# scripts/setup.mjs on top of init (the test suite uses the same).
seed() {
	init "$DEMO_PASSWORD"
	PORTAL_URL=http://127.0.0.1:$PORT PORTAL_VAR=$VAR node "$ROOT/scripts/setup.mjs"
}

stop_one() {
	local pidf=$VAR/run/$1.pid pid
	if [ -s "$pidf" ]; then
		pid=$(cat "$pidf")
		kill -TERM "$pid" 2>/dev/null || true
		# gone, or a zombie its parent (PID 1 in a container) has not reaped yet
		for _ in $(seq 1 50); do
			case $(ps -o stat= -p "$pid" 2>/dev/null) in ''|Z*) break ;; esac
			sleep 0.1
		done
		rm -f "$pidf" "$VAR/run/fcgi/$1.sock"
	fi
}

stop_all() {
	local r
	if [ -s "$VAR/run/nginx.pid" ]; then
		nginx -q -c "$VAR/nginx/nginx.conf" -p "$VAR/nginx" -s quit 2>/dev/null || true
	fi
	# all supervisors are asked at once, then waited for (one by one took ~2 s each)
	for r in $ROLES paysim floor; do
		[ -s "$VAR/run/$r.pid" ] && kill -TERM "$(cat "$VAR/run/$r.pid")" 2>/dev/null || true
	done
	if [ -s "$VAR/run/apache.pid" ]; then
		apache2 -f "$VAR/apache/httpd.conf" -k stop 2>/dev/null || true
		for _ in $(seq 1 50); do [ -s "$VAR/run/apache.pid" ] || break; sleep 0.1; done
	fi
	for r in $ROLES paysim floor; do
		stop_one "$r"
	done
	rm -f "$VAR/run/payment_provider"
	if [ -s "$PGDATA/postmaster.pid" ]; then
		pg "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null 2>&1 || true
	fi
	for _ in $(seq 1 50); do [ -s "$VAR/run/nginx.pid" ] || break; sleep 0.1; done
}

info() {
	cat <<INFO

职称申报评审平台 is running at http://127.0.0.1:$PORT/

  portal                 URL                                   demo login (password $DEMO_PASSWORD)
  申报人员 applicant      http://127.0.0.1:$PORT/applicant/     330702199001010015 (张建国)
  用人单位 unit           http://127.0.0.1:$PORT/unit/          unit_hongda, unit_sjy; 人才交流中心 jh_rcjl
  县级主管部门 county     http://127.0.0.1:$PORT/county/        wucheng_jsj (建设局), wucheng_cpw (初评委)
  市级主管部门 city       http://127.0.0.1:$PORT/city/          jh_zjj, jh_zpw (中评委办), jh_cjpw (初级评委会)
  人力社保局 hrb          http://127.0.0.1:$PORT/hrb/           wucheng_rsj, jh_rsj
  平台管理 admin          http://127.0.0.1:$PORT/admin/         admin

  Every county has <county>_jsj, <county>_cpw and <county>_rsj accounts: wucheng jindong
  wuyi pujiang panan lanxi yiwu dongyang yongkang. The experts of 评审会议 vote with their
  own logins: wucheng_cpw_w1..w5 (county), jh_zpw_w1..w5 and jh_cjpw_w1..w5 (city), after
  'stack.sh demo'. Stop everything with: make stop
INFO
	if simulated; then
		cat <<INFO
  缴费 pays through the demo's simulated gateway (模拟支付 under /paysim/; no money moves).
  A production configuration has no simulator: PAYMENT_PROVIDER=external, conf/portal.conf.in.
INFO
	fi
}

case "${1:-}" in
start)
	mkdir -p "$VAR"
	chmod 0755 "$VAR"
	open_path "$ROOT"
	open_path "$VAR"
	start_pg
	start_programs
	start_nginx
	start_apache
	wait_healthy
	;;
init) init ;;
seed) seed ;;
demo) PORTAL_URL=http://127.0.0.1:$PORT PORTAL_VAR=$VAR node "$ROOT/scripts/demo.mjs" ;;
days)	# the demo's only time travel (make demo-days): what waits for days has waited them
	psql_db -1 <<'SQL'
-- a 公示 lasts 5 working days: the running ones started two weeks ago, as if registered then
UPDATE publicity SET starts_on = current_date - 14 WHERE starts_on > current_date - 14;
-- an interview's result is recorded once it began: the sessions ahead began an hour ago
UPDATE interview_session SET starts_at = now() - interval '1 hour' WHERE starts_at > now();
SQL
	echo "demo: every 公示 has run its 5 working days; every 面试 ahead has begun"
	;;
info) info ;;
stop) stop_all ;;
psql) shift; psql_db "$@" ;;
*) die "usage: stack.sh start|init|seed|demo|days|info|stop|psql" ;;
esac
