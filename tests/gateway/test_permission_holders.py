"""Who holds a permission on a document (Context.GetUsersGroupIdsWithPermissionOnDoc,
Context.GetEmailsWithPermissionOnDoc), put in a context variable; Auth.Logout
going back to the user before Auth.LoginAs."""

from __future__ import annotations

import uuid

from docgraph.db import security as db_security
from docgraph.resolvers import documents
from docgraph.resolvers.model import IdRef
from docgraph.resolvers.operations import accounts, security
from docgraph.resolvers.operations.execute import OperationCall
from docgraph.resolvers.users import hash_password, load_principal

from ..conftest import basic

API = "/nuxeo/api/v1"
WS = "/default-domain/workspaces"


async def test_holders_of_a_permission(client, db, make_ctx):
    tag = uuid.uuid4().hex[:6]
    alice, bob, team = f"alice{tag}", f"bob{tag}", f"team{tag}"
    for name in (alice, bob):
        await db_security.insert_user(db, name, hash_password("pw-pw"), email=f"{name}@x.org")
    await db_security.insert_group(db, team, team, None)
    await db_security.add_membership(db, bob, team)
    resp = await client.post(
        f"{API}/path{WS}", json={"entity-type": "document", "type": "Note", "name": f"h{tag}"}
    )
    uid = (await resp.json())["uid"]
    for user, permission in ((alice, "ReadWrite"), (team, "Read")):
        resp = await client.post(
            f"{API}/automation/Document.AddPermission",
            json={"input": uid, "params": {"username": user, "permission": permission}},
        )
        assert resp.status == 200, await resp.text()

    ctx = make_ctx()
    doc = await documents.get(ctx, IdRef(uid))

    async def who(permission: str, **flags: bool) -> list[str]:
        call = OperationCall(ctx)
        options = {"ignore_groups": False, "resolve_groups": False, "prefixed": False, **flags}
        await security.users_and_groups(call, doc, permission=permission, variable="who", **options)
        return call.vars["who"]

    assert {alice, team} <= set(await who("Read"))
    assert alice in await who("Write") and team not in await who("Write")
    resolved = await who("Read", resolve_groups=True)
    assert bob in resolved and team not in resolved
    assert team not in await who("Read", ignore_groups=True)
    prefixed = await who("Read", prefixed=True)
    assert f"user:{alice}" in prefixed and f"group:{team}" in prefixed

    call = OperationCall(ctx)
    await security.emails(call, doc, permission="Read", variable="mails", ignore_groups=False)
    assert {f"{alice}@x.org", f"{bob}@x.org"} <= set(call.vars["mails"])

    # Through HTTP: an unknown permission is a 400, and only those who may
    # read the ACLs (ReadSecurity, part of Read) may ask.
    params = {"permission": "Nope", "variable name": "x"}
    resp = await client.post(
        f"{API}/automation/Context.GetUsersGroupIdsWithPermissionOnDoc",
        json={"input": uid, "params": params},
    )
    assert resp.status == 400
    resp = await client.post(
        f"{API}/automation/Document.BlockPermissionInheritance", json={"input": uid}
    )
    assert resp.status == 200, await resp.text()
    carol = f"carol{tag}"
    await db_security.insert_user(db, carol, hash_password("pw-pw"))
    await db_security.add_membership(db, carol, "members")
    resp = await client.post(
        f"{API}/automation/Document.GetUsersAndGroups",
        json={"input": uid, "params": {"permission": "Read", "variable name": "x"}},
        headers=basic(carol, "pw-pw"),
    )
    assert resp.status in (403, 404)


async def test_logout_goes_back_to_the_user_before_login_as(make_ctx, db):
    ctx = make_ctx()
    call = OperationCall(ctx)
    await accounts.login_as(call, None, name="Administrator")
    member = f"m{uuid.uuid4().hex[:6]}"
    await db_security.insert_user(db, member, None)
    assert await load_principal(db, member) is not None
    await accounts.login_as(call, None, name=member)
    assert ctx.principal.username == member
    await accounts.logout(call, None)
    assert ctx.principal.username == "Administrator"
    await accounts.logout(call, None)  # nothing left to undo: the same user stays
    assert ctx.principal.username == "Administrator"
