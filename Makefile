# Dispotify: the two commands of the README are `make demo` and `make test`.
# Everything they need is installed by `make deps` (Debian packages only).

BUILD      ?= build
BUILD_ASAN ?= build-asan
BUILD_FUZZ ?= build-fuzz
# Seconds each libFuzzer target runs in `make fuzz-test` and in `make fuzz-long`.
FUZZ_SECONDS      ?= 20
FUZZ_LONG_SECONDS ?= 3600
JOBS       ?= $(shell nproc)
# Debian's interpreter, which has python3-pytest, whatever else is first on PATH.
PYTHON     ?= /usr/bin/python3
# pytest-xdist workers for the black-box suites. Their tests mostly wait
# (child processes starting, elections, timeouts: the cluster suite keeps
# 2 cores about a third busy), so more workers than cores pay off; fewer
# under the sanitizers, whose processes are CPU-bound. Ports: each worker
# has its own block (tests/e2e/helpers.py free_port).
XDIST      ?= -n 3
XDIST_ASAN ?= -n 2
# ccache hits across clones of the repo (CI builds a fresh clone): paths
# under the clone are hashed relative to it, and the working directory is
# left out of the hash, which ccache otherwise adds whenever -g is on (all
# our builds): without this every clone missed the cache (8 % hits).
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_NOHASHDIR := 1
# Three build trees (optimized, sanitizers, fuzz) and a few worktrees.
export CCACHE_MAXSIZE ?= 10G

DEB_PACKAGES := cmake ninja-build g++ pkg-config ccache git curl \
  libboost1.81-dev libsqlite3-dev libtag1-dev libssl-dev libsodium-dev \
  libgtest-dev libbenchmark-dev libcpptoml-dev \
  python3 python3-pytest python3-pytest-xdist python3-requests python3-yaml ffmpeg clang-format clang-tidy iproute2 chromium openssl \
  clang-14 libclang-rt-14-dev \
  sublime-music dbus-daemon playerctl
# sublime-music: tests/subsonic drives a real Subsonic app's client code (its adapter) against our nodes.
# dbus-daemon, playerctl: tests/web/media-keys.e2e.ts sends media keys over MPRIS, as a Linux desktop does.
# The web app's toolchain (Vite needs Node.js >= 20.19): Debian's only where no node is installed.
ifeq ($(shell command -v node),)
DEB_PACKAGES += nodejs npm
endif
NPM ?= npm
WEB_SOURCES := $(shell find web/src web/public web/scripts -type f 2>/dev/null) \
  web/index.html web/vite.config.ts web/tsconfig.json web/package.json

.PHONY: all deps build build-asan fuzz-build fuzz-test fuzz-long test unit-test e2e-test cluster-test subsonic-test web web-test demo format format-check tidy clean bench image image-test compose-test deploy-test upgrade-test upgrade-fixture

all: build

# Idempotent: installs only the packages that are missing.
deps:
	@missing=$$(for p in $(DEB_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed$$' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "make deps: installing $$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	else echo "make deps: all packages present"; fi

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo

$(BUILD_ASAN)/build.ninja:
	cmake -S . -B $(BUILD_ASAN) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DDISPOTIFY_SANITIZE=ON

# libFuzzer needs clang (Debian's clang-14; libFuzzer's runtime is in libclang-rt-14-dev).
$(BUILD_FUZZ)/build.ninja:
	cmake -S . -B $(BUILD_FUZZ) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDISPOTIFY_FUZZ=ON \
	  -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_C_COMPILER=clang-14

build: deps $(BUILD)/build.ninja web
	ninja -C $(BUILD) -j $(JOBS)

# The web app (web/): npm ci when the lockfile changes, Vite build into
# web/dist when a source changes. The binary serves web/dist (--web-dir).
web/node_modules/.package-lock.json: web/package-lock.json
	cd web && $(NPM) ci --no-audit --no-fund

web/dist/index.html: web/node_modules/.package-lock.json $(WEB_SOURCES)
	cd web && $(NPM) run build || { rm -f dist/index.html; exit 1; }

web: deps web/dist/index.html

# Component tests (Vitest, jsdom) and end-to-end tests (Playwright driving
# Debian's chromium against real nodes; screenshots in tests/web/artifacts).
web-test: build
	cd web && $(NPM) test
	cd web && DISPOTIFY_BIN=$(CURDIR)/$(BUILD)/dispotify $(NPM) run e2e

build-asan: deps $(BUILD_ASAN)/build.ninja
	ninja -C $(BUILD_ASAN) -j $(JOBS)

# The fuzz targets of fuzz/ (docs/FUZZING.md) and nothing else of that build.
fuzz-build: deps $(BUILD_FUZZ)/build.ninja
	ninja -C $(BUILD_FUZZ) -j $(JOBS) fuzzers

# Every target briefly: its regression inputs replayed, then FUZZ_SECONDS of fuzzing.
fuzz-test: fuzz-build
	fuzz/run.sh $(BUILD_FUZZ) $(FUZZ_SECONDS)

# The long run (bench/fuzz.sh): FUZZ_LONG_SECONDS per target.
fuzz-long: fuzz-build
	fuzz/run.sh $(BUILD_FUZZ) $(FUZZ_LONG_SECONDS)

unit-test: build build-asan
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --test-dir $(BUILD_ASAN) --output-on-failure -j $(JOBS)

# Black-box tests of the real binary, once optimized and once under sanitizers.
e2e-test: build build-asan
	DISPOTIFY_BIN=$(CURDIR)/$(BUILD)/dispotify $(PYTHON) -m pytest -q $(XDIST) tests/e2e
	DISPOTIFY_BIN=$(CURDIR)/$(BUILD_ASAN)/dispotify $(PYTHON) -m pytest -q -x $(XDIST_ASAN) tests/e2e

# Clusters of real processes on loopback: replication, failover, restarts.
cluster-test: build build-asan
	DISPOTIFY_BIN=$(CURDIR)/$(BUILD)/dispotify $(PYTHON) -m pytest -q $(XDIST) tests/cluster
	DISPOTIFY_BIN=$(CURDIR)/$(BUILD_ASAN)/dispotify DISPOTIFY_E2E_SLOW=3 $(PYTHON) -m pytest -q -x $(XDIST_ASAN) tests/cluster

# The Subsonic API with a spec-following client: auth, every endpoint in XML
# and JSON, streaming raw and transcoded (ffprobe), a 3-node cluster.
subsonic-test: build build-asan
	DISPOTIFY_BIN=$(CURDIR)/$(BUILD)/dispotify $(PYTHON) -m pytest -q tests/subsonic
	DISPOTIFY_BIN=$(CURDIR)/$(BUILD_ASAN)/dispotify DISPOTIFY_E2E_SLOW=3 $(PYTHON) -m pytest -q -x tests/subsonic

# The deployment files (deploy/compose.yml, swarm.yml, k8s/): they parse,
# and their command lines start a working cluster of real processes in
# network namespaces named like their services.
deploy-test: build
	DISPOTIFY_BIN=$(CURDIR)/$(BUILD)/dispotify $(PYTHON) -m pytest -q tests/deploy/test_deploy_files.py

test: unit-test e2e-test cluster-test subsonic-test deploy-test web-test fuzz-test format-check

demo: build
	tools/demo.sh $(BUILD)/dispotify

format:
	clang-format -i $$(git ls-files 'src/*.cpp' 'src/*.h' 'tests/*.cpp' 'bench/*.cpp' 'fuzz/*.cpp' 'fuzz/*.h')

format-check: deps
	clang-format --dry-run -Werror $$(git ls-files 'src/*.cpp' 'src/*.h' 'tests/*.cpp' 'bench/*.cpp' 'fuzz/*.cpp' 'fuzz/*.h')

tidy: build
	clang-tidy -p $(BUILD) --quiet $$(git ls-files 'src/*.cpp')

# Benchmarks measure, they do not pass or fail: see docs/BENCHMARKS.md.
bench: build
	bash bench/deps.sh
	@echo "run one of: bench/stream_bench.sh bench/import_bench.sh bench/rss_bench.sh bench/search_bench.sh (each takes --quick)"

# The container image (deploy/Containerfile), with podman or docker,
# whichever is installed; base images made offline from Debian packages.
IMAGE ?= localhost/dispotify:latest
image: web
	sh deploy/build-image.sh $(IMAGE)

# Builds the image, runs it, checks /readyz, the web app, a transcode, the
# health check, the volume and SIGTERM. Not in `make test`: the first image
# build compiles the server from scratch (10 to 35 minutes on 2 shared
# cores here; later builds reuse a ccache mount).
image-test: image
	DISPOTIFY_IMAGE=$(IMAGE) $(PYTHON) -m pytest -q tests/deploy/test_image.py

# deploy/compose.yml as docs/DEPLOY.md runs it, with Debian's podman-compose
# (installed here): 3 containers, their network and volumes; a track from
# every node, a rolling restart, a container re-created on a new IP.
compose-test: image
	@command -v podman-compose >/dev/null || { echo "compose-test: apt-get install podman-compose"; exit 1; }
	DISPOTIFY_IMAGE=$(IMAGE) $(PYTHON) -m pytest -q -s tests/deploy/test_compose.py

# Rolling upgrade from an older build (docs/DEPLOY.md, "Upgrades"): a
# 3-node cluster of the binary of UPGRADE_BASE, with writes going and a
# track playing, each node replaced in turn by this build on its data dir.
# Not in `make test`: the old binary is a full compile the first time
# (kept in UPGRADE_CACHE afterwards).
UPGRADE_BASE  ?= 59d4324
UPGRADE_CACHE ?= $(HOME)/.cache/dispotify-upgrade/$(UPGRADE_BASE)
OLD_BIN       := $(UPGRADE_CACHE)/build/dispotify

$(OLD_BIN):
	JOBS=$(JOBS) tools/build_old_binary.sh $(UPGRADE_BASE) $(UPGRADE_CACHE)

upgrade-test: build $(OLD_BIN)
	DISPOTIFY_BIN=$(CURDIR)/$(BUILD)/dispotify DISPOTIFY_OLD_BIN=$(OLD_BIN) $(PYTHON) -m pytest -q tests/upgrade

# Writes tests/cluster/fixtures/datadir-v1.tar.gz again with the old binary
# (the data dir tests/cluster/test_old_data_dir.py starts this build on).
upgrade-fixture: $(OLD_BIN)
	DISPOTIFY_BIN=$(OLD_BIN) DISPOTIFY_OLD_BIN=$(OLD_BIN) DISPOTIFY_OLD_COMMIT=$(UPGRADE_BASE) $(PYTHON) tests/upgrade/make_fixture.py

clean:
	rm -rf $(BUILD) $(BUILD_ASAN) $(BUILD_FUZZ) web/dist
