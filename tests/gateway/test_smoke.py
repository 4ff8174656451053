async def test_default_domain_by_path(client):
    resp = await client.get("/nuxeo/api/v1/path/default-domain")
    assert resp.status == 200
    body = await resp.json()
    assert body["type"] == "Domain"
    assert body["title"] == "Domain"
