"""Users and groups through automation and GraphQL: the same engine rules as
/user and /group (only administrators and power users manage accounts)."""

from __future__ import annotations

from ..conftest import basic

API = "/nuxeo/api/v1"
GQL = "/nuxeo/graphql"


async def run(client, op_id: str, headers=None, input=None, **params):
    body = {"params": params, **({"input": input} if input is not None else {})}
    resp = await client.post(f"{API}/automation/{op_id}", json=body, headers=headers)
    text = await resp.text()
    return resp.status, (await resp.json()) if text else None


async def gql(client, query: str, headers=None, **variables):
    resp = await client.post(GQL, json={"query": query, "variables": variables}, headers=headers)
    return await resp.json()


async def test_users_and_groups_are_managed_by_operations(client):
    status, _ = await run(
        client, "Group.CreateOrUpdate", groupname="ops-team", grouplabel="Ops", description="d"
    )
    assert status == 204
    status, _ = await run(
        client,
        "User.CreateOrUpdate",
        username="opsuser",
        password="opsuser-pw",
        firstName="Op",
        groups="ops-team,members",
    )
    assert status == 204
    status, user = await run(client, "User.Get", login="opsuser")
    assert status == 200 and user["entity-type"] == "user"
    assert user["properties"]["firstName"] == "Op"
    assert sorted(user["properties"]["groups"]) == ["members", "ops-team"]
    # Update keeps what is not sent; CREATE on an existing user is a conflict.
    assert (await run(client, "User.CreateOrUpdate", username="opsuser", lastName="Erator"))[
        0
    ] == 204
    _, user = await run(client, "User.Get", login="opsuser")
    assert (user["properties"]["firstName"], user["properties"]["lastName"]) == ("Op", "Erator")
    status, _ = await run(client, "User.CreateOrUpdate", username="opsuser", mode="CREATE")
    assert status == 409
    status, _ = await run(client, "Group.CreateOrUpdate", groupname="nope", mode="UPDATE")
    assert status == 404
    status, _ = await run(client, "User.CreateOrUpdate", username="x", mode="SOMETIMES")
    assert status == 400
    status, group = await run(client, "Group.Get", groupname="ops-team")
    assert status == 200 and group["grouplabel"] == "Ops"
    # The current user by default.
    _, me = await run(client, "User.Get", basic("opsuser", "opsuser-pw"))
    assert me["id"] == "opsuser"
    # Members may not manage accounts.
    status, _ = await run(
        client, "User.CreateOrUpdate", basic("opsuser", "opsuser-pw"), username="evil"
    )
    assert status == 403


async def test_login_as_is_for_administrators_and_applies_to_the_rest_of_the_chain(client):
    await run(
        client, "User.CreateOrUpdate", username="asuser", password="asuser-pw", groups="members"
    )
    member = basic("asuser", "asuser-pw")
    status, _ = await run(client, "Auth.LoginAs", member, name="Administrator")
    assert status == 403
    resp = await client.post(
        f"{API}/automation/Auth.LoginAs",
        json={"params": {"name": "asuser"}, "input": "/default-domain/workspaces"},
    )
    assert resp.status == 200, await resp.text()
    assert (await resp.json())["path"] == "/default-domain/workspaces"  # passed through
    status, _ = await run(client, "Auth.LoginAs", name="nobody-at-all")
    assert status == 404


async def test_graphql_lists_and_manages_accounts(client):
    created = await gql(
        client,
        """mutation { createUser(username: "gqluser", password: "gqluser-pw",
                                 firstName: "G", groups: ["members"]) { id groups } }""",
    )
    assert created["data"]["createUser"] == {"id": "gqluser", "groups": ["members"]}
    found = await gql(
        client, 'query { users(q: "gqlus") { totalSize entries { username firstName } } }'
    )
    assert found["data"]["users"]["totalSize"] == 1
    assert found["data"]["users"]["entries"] == [{"username": "gqluser", "firstName": "G"}]
    group = await gql(
        client,
        """mutation { createGroup(groupname: "gqlgroup", grouplabel: "GQL",
                                  memberUsers: ["gqluser"]) { id memberUsers grouplabel } }""",
    )
    assert group["data"]["createGroup"] == {
        "id": "gqlgroup",
        "memberUsers": ["gqluser"],
        "grouplabel": "GQL",
    }
    groups = await gql(client, 'query { groups(q: "*", pageSize: 2) { pageSize entries { id } } }')
    assert (
        groups["data"]["groups"]["pageSize"] == 2 and len(groups["data"]["groups"]["entries"]) == 2
    )
    updated = await gql(
        client, 'mutation { updateUser(username: "gqluser", lastName: "L") { firstName lastName } }'
    )
    assert updated["data"]["updateUser"] == {"firstName": "G", "lastName": "L"}
    member = basic("gqluser", "gqluser-pw")
    refused = await gql(client, 'mutation { deleteGroup(groupname: "gqlgroup") }', member)
    assert refused["errors"][0]["extensions"]["code"] == "forbidden"
    assert (await gql(client, 'mutation { deleteGroup(groupname: "gqlgroup") }'))["data"] == {
        "deleteGroup": True
    }
    assert (await gql(client, 'mutation { deleteUser(username: "gqluser") }'))["data"] == {
        "deleteUser": True
    }


async def test_after_login_as_the_engine_checks_the_new_user(db, make_ctx, client):
    from docgraph.errors import Forbidden
    from docgraph.resolvers import documents
    from docgraph.resolvers.model import PathRef
    from docgraph.resolvers.operations.execute import execute

    await run(client, "User.CreateOrUpdate", username="asuser2", password="pw-asuser2")
    ctx = make_ctx()
    async with ctx.unit_of_work():
        await execute(ctx, "Auth.LoginAs", params={"name": "asuser2"})
        assert ctx.principal.username == "asuser2" and not ctx.principal.is_administrator
        try:
            workspaces = await documents.get(ctx, PathRef("/default-domain/workspaces"))
            await execute(
                ctx, "Document.Create", workspaces, {"type": "Folder", "name": "as-someone-else"}
            )
        except Forbidden:
            pass
        else:
            raise AssertionError("asuser2 may not create in workspaces")
