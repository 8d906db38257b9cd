"""Login: throttled by account and by client address (typed error), scrypt off the event loop,
and an unknown username answered exactly like a wrong password."""
from __future__ import annotations

import threading
from datetime import datetime, timedelta

from resolvers import passwords
from grassroots.settings import Settings
from tests.conftest import Api, serve
from tests.factory import PASSWORD, build_world

LOGIN = "mutation($u:String!,$p:String!){ sessionCreate(username:$u,password:$p){ token errors { code field message retryAfter } } }"


async def _login(api, username: str, password: str) -> dict:
    return (await api.gql(LOGIN, {"u": username, "p": password}, token=""))["sessionCreate"]


async def test_an_account_is_throttled_after_ten_failed_attempts(api):
    await build_world()
    for _ in range(10):
        got = await _login(api, "admin", "wrong-password")
        assert [e["code"] for e in got["errors"]] == ["BAD_CREDENTIALS"]
    # the eleventh is refused without checking, even with the right password, and says how long to wait
    got = await _login(api, "admin", PASSWORD)
    assert got["token"] is None
    [err] = got["errors"]
    assert err["code"] == "TOO_MANY_ATTEMPTS" and err["field"] == ["username"]
    assert 0 < err["retryAfter"] <= 900 and str(err["retryAfter"]) in err["message"]
    # another account from the same address is not locked by it
    assert (await _login(api, "cuiyuan", PASSWORD))["token"]


async def test_a_successful_login_clears_the_accounts_failures(api):
    await build_world()
    for _ in range(9):
        await _login(api, "admin", "wrong-password")
    assert (await _login(api, "admin", PASSWORD))["token"]
    for _ in range(9):
        assert [e["code"] for e in (await _login(api, "admin", "wrong"))["errors"]] == ["BAD_CREDENTIALS"]


async def test_a_client_address_is_throttled_across_usernames(api):
    await build_world()
    for i in range(30):
        got = await _login(api, f"guess{i}", "wrong-password")
        assert [e["code"] for e in got["errors"]] == ["BAD_CREDENTIALS"]
    got = await _login(api, "cuiyuan", PASSWORD)
    assert got["token"] is None and got["errors"][0]["code"] == "TOO_MANY_ATTEMPTS"


async def test_unknown_user_and_wrong_password_cost_the_same_and_answer_alike(api, monkeypatch):
    await build_world()
    calls: list[bool] = []
    real = passwords.verify_password

    def spy(password: str, stored: str) -> bool:
        calls.append(threading.current_thread() is threading.main_thread())
        return real(password, stored)

    monkeypatch.setattr(passwords, "verify_password", spy)
    unknown = await _login(api, "nobody-here", "wrong-password")
    assert calls == [False]  # one scrypt, in a worker thread
    wrong = await _login(api, "admin", "wrong-password")
    assert calls == [False, False]
    assert unknown == wrong == {"token": None, "errors": [
        {"code": "BAD_CREDENTIALS", "field": ["password"], "message": "用户名或密码错误", "retryAfter": None}]}
    assert (await _login(api, "admin", PASSWORD))["token"] and calls == [False] * 3


async def test_token_lifetime_follows_the_setting(database, tmp_path, monkeypatch):
    url, redis_url = database
    monkeypatch.setenv("GRASSROOTS_TOKEN_TTL_HOURS", "2")
    settings = Settings.from_env(database_url=url, redis_url=redis_url, data_dir=tmp_path / "data", production=False)
    async with serve(settings) as base:
        api = Api(base)
        try:
            await build_world()
            before = datetime.now().astimezone()
            data = await api.gql("mutation { sessionCreate(username: \"admin\", password: \"%s\"){ token expiresAt } }" % PASSWORD)
            expires = datetime.fromisoformat(data["sessionCreate"]["expiresAt"])
            assert before + timedelta(hours=2) <= expires <= datetime.now().astimezone() + timedelta(hours=2)
        finally:
            await api.close()
