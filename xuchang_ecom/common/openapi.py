"""What the OpenAPI schema says of errors: every operation may answer with DRF's error
object, so a client (and schemathesis) knows a 400, 403, 404 or 429 is part of the API."""

ERROR = {"type": "object", "additionalProperties": True,
         "description": "DRF's error body: ``{\"detail\": \"…\"}``, or the invalid fields with their messages."}
ERRORS = {
    "400": "The query or the body is invalid.",
    "401": "Not logged in.",
    "403": "Logged in, but the role may not do this.",
    "404": "No such record, page or table, or not one the user may see.",
    "429": "Too many requests from this address (open data).",
}


TEXT = {"type": "string"}


def document_errors(result, generator, request, public):
    """drf-spectacular post-processing hook: add the error responses to every operation.

    An operation that answers CSV (``?format=csv``) answers its errors in CSV too; and the
    web server itself (gunicorn) refuses a request line over 4 KB with a short HTML 400.
    """
    for path in result.get("paths", {}).values():
        for method, operation in path.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            responses = operation.setdefault("responses", {})
            csv = any("text/csv" in (response.get("content") or {}) for response in responses.values())
            for status, description in ERRORS.items():
                content = {"application/json": {"schema": ERROR}}
                if csv:
                    content["text/csv"] = {"schema": TEXT}
                if status == "400":
                    content["text/html"] = {"schema": TEXT}
                responses.setdefault(status, {"description": description, "content": content})
    return result
