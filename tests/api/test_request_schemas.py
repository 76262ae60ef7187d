"""Request schemas are instantiated once, when a view is declared, not on every request."""

import marshmallow

from service.http.api.schemas.tasks import CompleteSchema


def test_no_request_builds_a_schema_of_its_own(client, auth, monkeypatch):
    built = []
    original = marshmallow.Schema.__init__

    def counting(self, *args, **kwargs):
        built.append(type(self).__name__)
        original(self, *args, **kwargs)

    monkeypatch.setattr(marshmallow.Schema, "__init__", counting)
    for _ in range(3):
        response = client.post("/api/v1/tasks/no-such-task/complete", headers=auth("county"),
                               json={"decision": "approve", "comment": "同意"})
        assert response.status_code == 404
    bad = client.post("/api/v1/tasks/no-such-task/complete", headers=auth("county"), json={"decison": "x"})
    assert bad.status_code in (400, 422) and "decison" in bad.get_data(as_text=True)
    assert CompleteSchema.__name__ not in built, built
