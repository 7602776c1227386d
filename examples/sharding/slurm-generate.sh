#!/usr/bin/env bash
# Generate a large class as a Slurm job array: one shard of the roster per task, each into its
# own folder parts/K; then one merge writes the class folder one run would have written.
#
#   sbatch --array=1-8 slurm-generate.sh
#   sbatch --dependency=afterok:<that job id> --wrap \
#     "spikeset merge generate parts/* --out build --assignment assignment.toml --roster roster.csv"
#SBATCH --job-name=spikeset-generate
#SBATCH --cpus-per-task=2
#SBATCH --time=01:00:00
#SBATCH --output=logs/generate-%A-%a.out
set -euo pipefail
: "${SLURM_ARRAY_TASK_ID:?run me as a job array: sbatch --array=1-N slurm-generate.sh}"
: "${SLURM_ARRAY_TASK_COUNT:?run me as a job array: sbatch --array=1-N slurm-generate.sh}"
ASSIGNMENT=${ASSIGNMENT:-assignment.toml}
ROSTER=${ROSTER:-roster.csv}
spikeset generate "$ASSIGNMENT" --roster "$ROSTER" --quiet --jobs "${SLURM_CPUS_PER_TASK:-1}" ${GENERATE_OPTIONS:-} \
  --shard "$SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT" --out "parts/$SLURM_ARRAY_TASK_ID"
