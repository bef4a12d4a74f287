# The two commands: `make run` and `make test`. The work is in scripts/.
.PHONY: run test build bench
run:
	bash scripts/run.sh
test:
	bash scripts/test.sh
# Only the site (WASM, CSS, assets) into target/site.
build:
	bash -c 'source scripts/lib.sh && build_site'
# Every benchmark into one report (JOBS=10000000 for ten million jobs).
bench:
	JOBS=$(JOBS) bash scripts/bench.sh
