# Top-level build. `make run` brings the whole portal up, `make test` runs
# everything CI runs, `make bench` prints the benchmark figures.

ROLES    := applicant unit county city hrb admin
BUILD    ?= build
SAN      ?= 0
PKGS     := libpq libcjson libxml-2.0 icu-uc libcrypto libpng

CFLAGS   ?= -O2 -g
CFLAGS   += -std=c11 -D_GNU_SOURCE -fvisibility=hidden -fPIE -Icgi-bin \
            -W -Wall -Wextra -Wmissing-prototypes -Wstrict-prototypes \
            -Wwrite-strings -Wformat-security -Werror -Ilib $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS   := -lfcgi -lcrypt -ljpeg -lqrencode -lxlsxwriter -lm $(shell pkg-config --libs $(PKGS) 2>/dev/null)
ifeq ($(SAN),1)
BUILD    := build/san
CFLAGS   += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS  += -fsanitize=address,undefined
endif

LIB_SRC  := $(wildcard lib/*.c)
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
LIB_A    := $(BUILD)/libportal.a
# paysim is the demo's simulated payment gateway: built here, started and
# routed by scripts/stack.sh only in its demo configuration.
PROGS    := $(ROLES:%=$(BUILD)/bin/%) $(BUILD)/bin/paysim
TOOLS    := $(BUILD)/bin/portalctl $(BUILD)/bin/fcgi-floor $(BUILD)/bin/pool

.PHONY: all programs www deps run stop demo-days test unit unit-tests bench loadtest fuzz clean print-ldlibs backup restore
all: programs www

programs: $(PROGS) $(TOOLS)

$(BUILD)/%.o: %.c $(wildcard lib/*.h) $(wildcard cgi-bin/*/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

$(LIB_A): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

# one program per role, from cgi-bin/<role>/*.c and the library
define prog_rule
$(BUILD)/bin/$(1): $(patsubst %.c,$(BUILD)/%.o,$(wildcard cgi-bin/$(1)/*.c)) $(LIB_A)
	@mkdir -p $$(dir $$@)
	$$(CC) $$(LDFLAGS) -pie -o $$@ $$^ $$(LDLIBS)
endef
$(foreach r,$(ROLES) paysim,$(eval $(call prog_rule,$(r))))

$(BUILD)/bin/portalctl: $(BUILD)/tools/portalctl.o $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -pie -o $@ $^ $(LDLIBS)

# the supervisor of each program's prefork pool (tools/pool.c): no library
$(BUILD)/bin/pool: $(BUILD)/tools/pool.o
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -pie -o $@ $^

# the bare programs `make bench` measures the portal against (scripts/bench.sh)
$(BUILD)/bin/fcgi-floor: $(BUILD)/tools/fcgi-floor.o
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -pie -o $@ $^ -lfcgi $(shell pkg-config --libs libpq libcrypto 2>/dev/null)

www: www/dist/.built

www/dist/.built: package.json package-lock.json www/vite.config.mjs $(shell find www -path www/dist -prune -o -type f -print 2>/dev/null)
	@[ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund
	npm run build
	@touch $@

deps:
	scripts/deps.sh

run: deps
	$(MAKE) all
	scripts/stack.sh start
	scripts/stack.sh seed
	scripts/stack.sh demo
	scripts/stack.sh info

stop:
	scripts/stack.sh stop

# the demo's clock moves on: running 公示 are over, interviews ahead have begun (README)
demo-days:
	scripts/stack.sh days

# pgBackRest on the `make run` stack (docs/operations.md): TYPE=full|diff|incr (diff by
# default), AT='YYYY-MM-DD HH:MM' Beijing time
backup:
	scripts/backup.sh backup $(TYPE)

restore:
	scripts/backup.sh restore "$(AT)"

test: deps
	scripts/test.sh

bench: deps
	$(MAKE) all
	scripts/bench.sh

# Deadline day: >= 200 applicants autosaving and submitting for 2 minutes.
loadtest: deps
	$(MAKE) all
	scripts/loadtest.sh

# Every libFuzzer harness in tests/fuzz for SECONDS seconds each (make test: 10).
SECONDS ?= 60
fuzz:
	scripts/fuzz.sh $(SECONDS)

print-ldlibs:
	@echo $(LDLIBS)

clean:
	rm -rf build www/dist

# Unit tests (cmocka), always with AddressSanitizer and UBSan.
UNIT_TESTS := $(patsubst tests/unit/%.c,build/san/tests/%,$(wildcard tests/unit/test_*.c))
unit:
	$(MAKE) SAN=1 unit-tests

unit-tests: $(UNIT_TESTS)

build/san/tests/%: tests/unit/%.c $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIB_A) $(LDLIBS) -lcmocka
