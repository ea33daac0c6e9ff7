"""The deterministic worked example of the ledger design (a TEST key: seed bytes 0x00..0x1f)."""

SEED = bytes(range(32))
ORIGIN = "ledger.example.jp/scs-test"
VKEY = "ledger.example.jp/scs-test+8620a6f0+AQOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4"

LEAVES = [
    b'{"cert_id":"SCS3-000001","corporate_number":"7000012050002","seq":0,"star":3,'
    b'"type":"cert.issued","v":1,"valid_from":"2026-10-01","valid_until":"2027-09-30"}',
    b'{"cert_id":"SCS4-000001","corporate_number":"4000012090001","seq":1,"star":4,'
    b'"type":"cert.issued","v":1,"valid_from":"2026-10-02","valid_until":"2029-10-01"}',
    b'{"cert_id":"SCS3-000001","corporate_number":"7000012050002","effective":"2026-11-01",'
    b'"reason_code":"surveillance-nc","seq":2,"type":"cert.suspended","v":1}',
]
LEAF_HASH_1 = "ouhvi3aS/Q4pl9ChEyZSpOhfn4q4fBiRIx3s9VZJnJE="
ROOT_2 = "MwM7ac2Ht8YJdzjnEqb8Nh8KJOsN3TABworXRKr4Hsk="
CONSISTENCY_2_3 = ["8r5dLSQmo0bp+/xx5Q1rg+g70RLwd/5xisH92Ib3nTA="]
CHECKPOINT_3 = (
    "ledger.example.jp/scs-test\n"
    "3\n"
    "vcXW8I0JkOeogFrc3icLIV0I/LMis9M+P8cvqCB3qRA=\n"
    "\n"
    "— ledger.example.jp/scs-test hiCm8FZLUT3X0FyKjUQsF6ag0bu2CvSwB1Zuqzv3nKGJwEAQWPQs9lw+kYZBzAV4"
    "e62dTArCoRqji1a96Loe0BtUogI=\n"
)
TLOG_PROOF_1 = (
    "c2sp.org/tlog-proof@v1\n"
    "index 1\n"
    "eQYQf/ZQLuzpwBXTftcqNfAEKdBKsioME2z8R5Lvm4Y=\n"
    "8r5dLSQmo0bp+/xx5Q1rg+g70RLwd/5xisH92Ib3nTA=\n"
    "\n" + CHECKPOINT_3
)
