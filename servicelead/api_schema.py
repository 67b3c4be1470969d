"""The REST API's schema, with what servicelead/api.py keeps for every endpoint: every status an operation
can answer is documented with its body, and request bodies allow no other fields than they list.

Apart from servicelead/api.py because DRF reads the filter backends and pagination named in the settings
while ``rest_framework.generics`` is being imported, and drf-spectacular's ``AutoSchema`` imports it."""

from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    """An error that concerns the request as a whole."""

    detail = serializers.CharField(help_text="What went wrong, in the language of the request.")


class ValidationErrorSerializer(serializers.Serializer):
    """Input the endpoint cannot use. Each other key is a field of the body or a query parameter, with its
    messages; a nested field is nested as the request nests it (rows of a list keyed by their index)."""

    detail = serializers.CharField(required=False, help_text="A body that is not JSON.")
    non_field_errors = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="Rules across several fields."
    )


def error(description: str, serializer: type[serializers.Serializer] = ErrorSerializer) -> OpenApiResponse:
    return OpenApiResponse(response=serializer, description=description)


BAD_REQUEST = error(
    "The body or a query parameter is not valid; the answer names each one with its messages.",
    ValidationErrorSerializer,
)
FORBIDDEN = error(
    "Not signed in (no session, no or an unknown token), or not allowed to do this. "
    "(Never 401: not being signed in is answered with 403 too.)"
)
NOT_FOUND = error("No such object, or one you may not know of.")
PAGE_NOT_FOUND = error("No such page: the page is beyond the last one.")
# teams.middleware answers any API request that meets a loop in the team tree (brought in around the
# writers, which refuse one) with a 409 naming the teams.
TREE_LOOP = error(
    "The team tree has a loop (made around the writers, which refuse one); the answer names the teams."
)
IN_USE = error(
    "The object is still used by other records and cannot be deleted (or the team tree has a loop)."
)
UNSUPPORTED_MEDIA_TYPE = error("The body is not application/json.")
THROTTLED = error("Too many requests; the Retry-After header says how many seconds to wait.")


class ApiAutoSchema(AutoSchema):
    """drf-spectacular's schema, with every operation's error answers and request bodies that allow no
    other fields than they list (``COMPONENT_SPLIT_REQUEST`` keeps read-only fields out of them)."""

    def get_operation(self, path: str, path_regex: str, path_prefix: str, method: str, registry: Any) -> Any:
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        responses = operation["responses"]
        for code, response in self.error_responses(operation).items():
            documented = self._get_response_for_code(response, code)
            # An operation that states its own reason for a status keeps it, with the usual body.
            own = responses.get(code)
            if own and "content" not in own:
                own["content"] = documented["content"]
            responses.setdefault(code, documented)
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    def error_responses(self, operation: dict) -> dict[str, OpenApiResponse]:
        """The error statuses the operation can answer, by what it reads."""
        parameters = operation.get("parameters", [])
        query = {parameter["name"] for parameter in parameters if parameter["in"] == "query"}
        in_path = any(parameter["in"] == "path" for parameter in parameters)
        body = "requestBody" in operation
        errors = {}
        if body or query:
            errors["400"] = BAD_REQUEST
        if self.view.permission_classes:
            errors["403"] = FORBIDDEN
        if in_path:
            errors["404"] = NOT_FOUND
        elif "page" in query:
            errors["404"] = PAGE_NOT_FOUND
        errors["409"] = IN_USE if self.method == "DELETE" else TREE_LOOP
        if body:
            errors["415"] = UNSUPPORTED_MEDIA_TYPE
        if self.view.throttle_classes:
            errors["429"] = THROTTLED
        return errors

    def _map_basic_serializer(self, serializer: Any, direction: Any) -> Any:
        schema = super()._map_basic_serializer(serializer, direction)
        if direction == "request":
            schema["additionalProperties"] = False
        return schema
