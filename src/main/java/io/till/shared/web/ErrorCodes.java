package io.till.shared.web;

import io.till.shared.ErrorCode;

/** The error code for a bare HTTP status, when nothing more specific is known about the failure. */
final class ErrorCodes {

    private ErrorCodes() {}

    static ErrorCode forStatus(int status) {
        return switch (status) {
            case 400 -> ErrorCode.MALFORMED_REQUEST;
            case 401 -> ErrorCode.API_KEY_MISSING;
            case 403 -> ErrorCode.FORBIDDEN;
            case 404 -> ErrorCode.ROUTE_NOT_FOUND;
            case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
            case 406 -> ErrorCode.NOT_ACCEPTABLE;
            case 413 -> ErrorCode.PAYLOAD_TOO_LARGE;
            case 415 -> ErrorCode.UNSUPPORTED_MEDIA_TYPE;
            case 503 -> ErrorCode.SERVICE_UNAVAILABLE;
            default -> ErrorCode.INTERNAL_ERROR;
        };
    }
}
