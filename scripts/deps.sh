#!/usr/bin/env bash
# Installs what the portal needs on Debian 12 (as root), and only what is missing.
set -euo pipefail

pkgs=(
	build-essential pkg-config git curl ca-certificates
	libfcgi-dev libfcgi-bin libpq-dev libcjson-dev libxml2-dev libcrypt-dev libssl-dev
	libjpeg62-turbo-dev libpng-dev libqrencode-dev libcmocka-dev libxlsxwriter-dev libicu-dev unzip
	postgresql-15 postgresql-client-15 nginx-light spawn-fcgi logrotate apache2-bin openssl
	chromium chromium-headless-shell fonts-wqy-microhei poppler-utils wrk clang libclang-rt-14-dev clang-tools
	# backups (docs/operations.md); promtool checks the metrics' text format; ip makes the
	# second host of tests/integration/ops.test.mjs (a network namespace)
	pgbackrest prometheus iproute2
)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
command -v node >/dev/null && command -v npm >/dev/null || missing+=(nodejs npm)

if [ ${#missing[@]} -gt 0 ]; then
	echo "deps: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# Debian starts services on install; our stack runs its own copies.
	printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d.zcps
	chmod 755 /usr/sbin/policy-rc.d.zcps
	created_policy=0
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		cp /usr/sbin/policy-rc.d.zcps /usr/sbin/policy-rc.d
		created_policy=1
	fi
	apt-get install -y -qq --no-install-recommends "${missing[@]}"
	[ $created_policy = 1 ] && rm -f /usr/sbin/policy-rc.d
	rm -f /usr/sbin/policy-rc.d.zcps
fi

# The programs run as their own system user, not as root and not as nginx.
if ! id zcps >/dev/null 2>&1; then
	useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin zcps
fi
