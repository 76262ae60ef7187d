"""The OpenAPI document is generated from the schemas; /api/v1/docs lists the operations."""


def test_openapi_document(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    assert spec["openapi"].startswith("3.")
    for path in ("/api/v1/health", "/api/v1/me", "/api/v1/orgs", "/api/v1/villages", "/api/v1/cadres",
                 "/api/v1/cadres/{cadre_id}"):
        assert "get" in spec["paths"][path], path
    cadre = spec["components"]["schemas"]["Cadre"]["properties"]
    assert {"eligible_first_secretary", "eligibility_reasons", "postings", "party_status"} <= set(cadre)
    params = {p["name"] for p in spec["paths"]["/api/v1/cadres"]["get"]["parameters"]}
    assert {"page", "per_page", "unit_id", "posted", "village_id"} <= params
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert spec["paths"]["/api/v1/health"]["get"]["security"] == []


def test_docs_page_lists_operations_without_external_assets(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "/api/v1/cadres/{cadre_id}" in html and "/api/v1/me" in html
    assert "http://" not in html and "https://" not in html


def test_error_answers_are_documented_as_problem_json(client):
    """Every operation's error responses name application/problem+json and the problem's members,
    as the answers are (smorest's own default would say application/json {code, status, message})."""
    spec = client.get("/api/v1/openapi.json").get_json()
    problem = spec["components"]["schemas"]["Problem"]
    assert set(problem["required"]) == {"type", "title", "status", "detail", "errors"}
    assert problem["properties"]["status"]["type"] == "integer"
    assert problem["additionalProperties"] is True  # e.g. `violations`, `retry_after`
    assert "Error" not in spec["components"]["schemas"]
    for name, response in spec["components"]["responses"].items():
        assert list(response["content"]) == ["application/problem+json"], name
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method == "parameters":
                continue
            for status, response in operation["responses"].items():
                if (path, status) == ("/api/v1/health", "503"):
                    continue  # the health report itself, saying what is down
                if status.startswith(("4", "5")) or status == "default":
                    content = response.get("content") or spec["components"]["responses"][
                        response["$ref"].rsplit("/", 1)[-1]]["content"]
                    assert "application/problem+json" in content, (method, path, status)
