"""The public ledger's cryptographic core: a pure library with no Django imports.

- merkle: RFC 6962 tree hashing, proof generation and RFC 9162 verification, and the stored-hash
  layout of Go's sumdb/tlog (one insert-only table of hashes, ~2·log2(n) reads per proof);
- canonical: RFC 8785 canonical JSON for the leaves (the subset our events use);
- note: C2SP signed notes with Ed25519 keys;
- checkpoint: the C2SP tlog-checkpoint body;
- proof: the C2SP tlog-proof offline proof;
- standalone_verify: a single-file verifier for procurers (stdlib + cryptography only).
"""
