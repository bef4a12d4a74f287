# The two commands: `make run` and `make test`. The work is in scripts/.
.PHONY: run test build
run:
	bash scripts/run.sh
test:
	bash scripts/test.sh
# Only the site (WASM, CSS, assets) into target/site.
build:
	bash -c 'source scripts/lib.sh && build_site'
