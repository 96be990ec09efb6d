"""OpenAPI post-processing: every operation documents the errors it can answer with.

drf-spectacular lists only the success response of most views, yet every operation can say
400 (bad input, field by field), 401/403 (not signed in, not allowed), 404 (not found or not
yours) and, for writes, 409 (someone else acted first). Clients generated from the schema and
the fuzzing test (tests/test_api_fuzz.py) then know every answer the API gives.
"""

from typing import Any

ERROR = {
    "type": "object",
    "description": "detail: one message; or field name → list of messages",
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": True,
}
ERRORS = {
    "400": "输入有误：逐项说明（字段名 → 错误列表）",
    "401": "未登录",
    "403": "无权执行此操作",
    "404": "不存在，或不在您的管辖范围内",
}
WRITE_ERRORS = {"409": "与他人的操作冲突，请刷新后重试"}


def add_error_responses(result: dict[str, Any], **_kwargs: Any) -> dict[str, Any]:
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR
    reference = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            errors = ERRORS | (WRITE_ERRORS if method != "get" else {})
            responses = operation.setdefault("responses", {})
            for code, text in errors.items():
                responses.setdefault(code, {"description": text, "content": reference})
    return result
