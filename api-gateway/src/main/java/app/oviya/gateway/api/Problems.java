package app.oviya.gateway.api;

import app.oviya.common.error.ErrorCode;
import app.oviya.common.error.ServiceException;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;

/** RFC 9457 problem documents with the platform's stable error codes: the one place they are built. */
public final class Problems {

    public static final String MEDIA_TYPE = "application/problem+json";
    private static final String TYPE_BASE = "https://oviya.app/problems/";

    private Problems() {
    }

    public static Map<String, Object> body(ErrorCode code, String detail) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", TYPE_BASE + code.code().replace('_', '-'));
        body.put("title", code.title());
        body.put("status", code.httpStatus());
        body.put("detail", detail);
        body.put("code", code.code());
        return body;
    }

    public static Response response(ServiceException e) {
        Response.ResponseBuilder b = Response.status(e.code().httpStatus())
                .type(MEDIA_TYPE)
                .entity(body(e.code(), e.detail()));
        if (e.retryAfterSeconds() != null) {
            b.header("Retry-After", e.retryAfterSeconds());
        }
        return b.build();
    }

    public static Response response(ErrorCode code, String detail) {
        return response(new ServiceException(code, detail));
    }
}
