#!/usr/bin/env bash
# Grade a large batch as a Slurm job array: one shard per array task, then one merge.
#
#   sbatch --array=1-8 slurm-grade.sh                                  # the shards
#   sbatch --dependency=afterok:<that job id> slurm-merge.sh 8         # the merge
#
# Every task reads the same assignment, roster and submissions folder (a shared file system)
# and writes parts/grades-K.json; the merge writes what one `spikeset grade` would have.
#SBATCH --job-name=spikeset-grade
#SBATCH --cpus-per-task=2
#SBATCH --time=00:30:00
#SBATCH --output=logs/grade-%A-%a.out
set -euo pipefail
: "${SLURM_ARRAY_TASK_ID:?run me as a job array: sbatch --array=1-N slurm-grade.sh}"
: "${SLURM_ARRAY_TASK_COUNT:?run me as a job array: sbatch --array=1-N slurm-grade.sh}"
ASSIGNMENT=${ASSIGNMENT:-assignment.toml}
ROSTER=${ROSTER:-roster.csv}
SUBMISSIONS=${SUBMISSIONS:-submissions}
mkdir -p parts
# Exit status 1 means some file could not be graded (it is in the report): not a failed task.
spikeset grade "$ASSIGNMENT" "$SUBMISSIONS" --roster "$ROSTER" --quiet \
  --shard "$SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT" --json "parts/grades-$SLURM_ARRAY_TASK_ID.json" \
  || [ $? -eq 1 ]
