"""Subcommand ``keygen``: the instructor's Ed25519 key pair for signed variants."""
from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    k = sub.add_parser("keygen", help="make the key pair that signs students' variants (for grading without "
                                      "the secret in GitHub Classroom)",
                       description="Write a new Ed25519 key pair into --out: spikeset-private.key signs the "
                                   "students' variant.toml files (`generate --signing-key`), "
                                   "spikeset-public.key lets `grade --public-key` check them without the course"
                                   " secret.")
    k.add_argument("--out", required=True, metavar="DIR",
                   help="folder for spikeset-private.key (mode 0600) and spikeset-public.key; "
                        "existing key files are never overwritten")
    k.set_defaults(func=cmd_keygen)


def cmd_keygen(args: argparse.Namespace) -> int:
    from ..variants.signing import write_key_pair

    private_path, public_path, key_id = write_key_pair(args.out)
    print(f"Key pair {key_id}:")
    print(f"  private: {private_path}  (keep it with the course secret; sign with "
          f"`spikeset generate ... --signing-key {private_path}`)")
    print(f"  public:  {public_path}  (commit it in the template repository; grade with "
          f"`spikeset grade ... --public-key {public_path.name}`)")
    return 0
