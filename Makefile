# Convenience targets; the README's commands (bash scripts/dev.sh ...) work without make.
.PHONY: demo test setup lint
demo:
	bash scripts/dev.sh demo
test:
	bash scripts/dev.sh test
setup:
	bash scripts/dev.sh setup
lint:
	.venv/bin/ruff check mednec pipeline models criteria tests benchmarks
