"""The pydantic models agree with the JSON Schemas the server publishes, so they cannot drift."""

import httpx

from incident_response import IncidentResponseAction, IncidentResponseObservation, IncidentResponseState


def schemas(url):
    response = httpx.get(f"{url}/schema", timeout=10)
    response.raise_for_status()
    return response.json()


def required(model):
    return {name for name, field in model.model_fields.items() if field.is_required()}


def test_action_fields_and_types_match(url):
    published = schemas(url)["action"]
    assert set(IncidentResponseAction.model_fields) == set(published["properties"])
    assert required(IncidentResponseAction) == set(published["required"])
    ours = IncidentResponseAction.model_json_schema()["properties"]["action_type"]["enum"]
    assert ours == published["properties"]["action_type"]["enum"]
    assert published["additionalProperties"] is False


def test_observation_fields_match(url):
    published = schemas(url)["observation"]
    assert set(IncidentResponseObservation.model_fields) == set(published["properties"])
    assert required(IncidentResponseObservation) == set(published["required"])


def test_state_fields_match(url):
    published = schemas(url)["state"]
    assert set(IncidentResponseState.model_fields) == set(published["properties"])
    assert required(IncidentResponseState) == set(published["required"])
