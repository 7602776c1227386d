#!/usr/bin/env bash
# The merge step of slurm-grade.sh: give it the number of shards.
#SBATCH --job-name=spikeset-merge
#SBATCH --time=00:10:00
#SBATCH --output=logs/merge-%j.out
set -euo pipefail
COUNT=${1:?usage: slurm-merge.sh NUMBER_OF_SHARDS}
ASSIGNMENT=${ASSIGNMENT:-assignment.toml}
ROSTER=${ROSTER:-roster.csv}
parts=()
for k in $(seq 1 "$COUNT"); do parts+=("parts/grades-$k.json"); done
spikeset merge grades "${parts[@]}" --json grades.json --gradebook gradebook.csv --assignment "$ASSIGNMENT" --roster "$ROSTER"
