from resolvers.passwords import hash_password, verify_password


def test_scrypt_hash_round_trips_and_salts() -> None:
    a, b = hash_password("correct horse"), hash_password("correct horse")
    assert a != b and a.startswith("scrypt$")
    assert verify_password("correct horse", a) and verify_password("correct horse", b)
    assert not verify_password("correct horsf", a)
    assert not verify_password("x", "not-a-hash") and not verify_password("x", "md5$1$1$1$AA==$AA==")
