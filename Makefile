# SPDX-License-Identifier: ISC
# A thin wrapper around meson and the scripts; meson does the building.
#   make          build uplinkd and uplinkctl into build/
#   make check    tests/run: packages, build, unit and namespace tests (root)
#   make demo     the simulated two-ISP network with uplinkd (root)
#   make fuzz     every fuzz target for an hour (tests/fuzz/run 3600)
#   make sanitize the tests in an ASan+UBSan build; make valgrind: the daemon
#   make clean    remove build/

BUILD ?= build

all: $(BUILD)/build.ninja
	ninja -C $(BUILD)

$(BUILD)/build.ninja:
	meson setup $(BUILD)

check:
	tests/run

demo:
	tests/deps.sh
	$(MAKE) all
	@test -x tests/sim/demo || { echo "make demo: tests/sim/demo is not written yet" >&2; exit 1; }
	tests/sim/demo

fuzz:
	tests/fuzz/run 3600

sanitize:
	tests/sanitize

valgrind:
	tests/valgrind

clean:
	rm -rf $(BUILD)

.PHONY: all check demo fuzz sanitize valgrind clean
