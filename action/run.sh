#!/usr/bin/env bash
# The step of action.yml that runs the harness: builds the command line from the action's inputs, runs it,
# writes the Markdown reports into the job summary and the exit code into the step's outputs.
# Everything arrives in the environment (INPUT_*, HARNESS_*, GITHUB_*), so it runs the same outside Actions.
set -uo pipefail

command="${INPUT_COMMAND:-run}"
report_dir="${INPUT_REPORT_DIR:-harness-reports}"
case "$command" in
  run|contract) ;;
  *) echo "error: input 'command' is '$command'; use run or contract" >&2; exit 2 ;;
esac

argv=("$command" --report-dir "$report_dir")
if [[ -n "${INPUT_BASELINE:-}" ]]; then
  if [[ ! -f "$INPUT_BASELINE" ]]; then
    echo "error: baseline '$INPUT_BASELINE' not found: write one with --write-baseline (input 'args')" >&2
    exit 2
  fi
  argv+=(--baseline "$INPUT_BASELINE")
fi
if [[ -n "${INPUT_BASELINE_SPEC:-}" ]]; then
  if [[ "$command" != run || ! -f "$INPUT_BASELINE_SPEC" ]]; then
    echo "error: baseline-spec '$INPUT_BASELINE_SPEC' needs command 'run' and an existing spec file" >&2
    exit 2
  fi
  argv+=(--baseline-spec "$INPUT_BASELINE_SPEC")
fi
if [[ -n "${INPUT_ARGS:-}" ]]; then
  read -r -a extra <<< "$INPUT_ARGS"
  argv+=("${extra[@]}")
fi

harness "${argv[@]}"
code=$?

if [[ -n "${GITHUB_STEP_SUMMARY:-}" && -d "$report_dir" ]]; then
  {
    echo "## Togai ingestion harness: \`harness $command\` exited $code"
    echo
    # each report's Markdown, in stage order; GitHub keeps at most 1 MiB of a step's summary
    find "$report_dir" -name '*.md' -print0 | sort -z | xargs -0 -r cat
  } | head -c 900000 >> "$GITHUB_STEP_SUMMARY"
fi
if [[ -n "${GITHUB_OUTPUT:-}" ]]; then
  echo "exit-code=$code" >> "$GITHUB_OUTPUT"
fi
exit "$code"
